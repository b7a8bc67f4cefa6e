package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/relstore/relstore/index"
	"github.com/relstore/relstore/storage"
)

// Fault kinds reported by Check.
const (
	FaultMissingEntry  = "missing-entry"  // a record lacks a persisted index entry
	FaultOrphanEntry   = "orphan-entry"   // a persisted entry has no record (or a stale value)
	FaultCacheMismatch = "cache-mismatch" // the in-memory B-tree differs from the persisted entries
	FaultUnique        = "unique"         // a unique index holds two records with one value
	FaultCorrupt       = "corrupt"        // a record or key cannot be decoded
	FaultCounter       = "counter"        // a generated id is above the model's id counter
)

// Fault is one inconsistency found by Check.
type Fault struct {
	Model  string
	Index  string // empty for record-level faults
	Kind   string
	Detail string
}

func (f Fault) String() string {
	if f.Index != "" {
		return fmt.Sprintf("%s index %q: %s: %s", f.Model, f.Index, f.Kind, f.Detail)
	}
	return fmt.Sprintf("%s: %s: %s", f.Model, f.Kind, f.Detail)
}

// CheckReport is the result of Check.
type CheckReport struct {
	Models  int
	Records int
	Entries int
	Faults  []Fault
}

// OK reports whether no fault was found.
func (r *CheckReport) OK() bool { return len(r.Faults) == 0 }

// String lists the faults, one a line.
func (r *CheckReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d models, %d records, %d index entries: ", r.Models, r.Records, r.Entries)
	if r.OK() {
		b.WriteString("ok")
		return b.String()
	}
	fmt.Fprintf(&b, "%d faults", len(r.Faults))
	for _, f := range r.Faults {
		b.WriteString("\n  " + f.String())
	}
	return b.String()
}

// maxFaultsPerIndex bounds the faults reported for one index.
const maxFaultsPerIndex = 100

// Check verifies, on one consistent snapshot, that every record has exactly
// its index entries, that every persisted entry belongs to a record, that
// the in-memory B-trees hold exactly the persisted entries, that unique
// indexes hold, that id counters are above every generated id, that the
// decoded-record cache of a Pebble store holds what is stored, and that a
// memory store's records are in its record trees only, each encodable. It
// returns a report of every fault; the error is for failures to read.
func (db *DB) Check(ctx context.Context) (*CheckReport, error) {
	rep := &CheckReport{}
	tx, err := db.begin(ctx, false, true)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	err = func() error {
		names := make([]string, 0, len(tx.st.models))
		for name, ms := range tx.st.models {
			if ms.m.Persisted {
				names = append(names, name)
			}
		}
		sort.Strings(names)
		rep.Models = len(names)
		for _, name := range names {
			if err := tx.checkModel(tx.st.models[name], rep); err != nil {
				return err
			}
			if tx.st.records != nil {
				if err := tx.checkRecordTree(tx.st.models[name], rep); err != nil {
					return err
				}
			}
		}
		return tx.checkDecodedCache(rep)
	}()
	return rep, err
}

// checkDecodedCache verifies that every record the decoded-record cache
// (cache.go) would serve a reader of the checked state is the record
// storage holds under its key.
func (tx *Tx) checkDecodedCache(rep *CheckReport) error {
	c := tx.db.cache
	if c == nil || tx.snap == nil {
		return nil
	}
	type cached struct {
		key string
		rec map[string]any
	}
	var entries []cached
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		for _, e := range s.m {
			if e.from <= tx.st.seq {
				entries = append(entries, cached{e.key, e.rec})
			}
		}
		s.mu.Unlock()
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].key < entries[j].key })
	faults := 0
	for _, e := range entries {
		model := ""
		for name, ms := range tx.st.models {
			if strings.HasPrefix(e.key, string(ms.prefix)) {
				model = name
			}
		}
		raw, err := tx.snap.Get([]byte(e.key))
		var detail string
		switch {
		case errors.Is(err, storage.ErrNotFound):
			detail = fmt.Sprintf("record %x is in the decoded-record cache but not stored", e.key)
		case err != nil:
			return err
		default:
			if enc, err := encodeRecord(e.rec); err != nil || !bytes.Equal(enc, raw) {
				detail = fmt.Sprintf("record %x differs between the store and the decoded-record cache", e.key)
			}
		}
		if detail != "" {
			if faults < maxFaultsPerIndex {
				rep.Faults = append(rep.Faults, Fault{Model: model, Kind: FaultCacheMismatch, Detail: detail})
			}
			faults++
		}
	}
	return nil
}

func (tx *Tx) checkModel(ms *modelState, rep *CheckReport) error {
	name := ms.m.Name
	expected := make([]map[string]bool, len(ms.specs))
	for i := range expected {
		expected[i] = map[string]bool{}
	}
	uniqueVals := make([]map[string]string, len(ms.specs))
	for i := range uniqueVals {
		uniqueVals[i] = map[string]string{}
	}
	var maxGenerated float64
	err := tx.scanRecords(ms, false, func(pk []byte, rec map[string]any) (bool, error) {
		rep.Records++
		ids, ok := ms.idOf(rec)
		if !ok {
			rep.Faults = append(rep.Faults, Fault{Model: name, Kind: FaultCorrupt, Detail: fmt.Sprintf("record %x has no id", pk)})
			return true, nil
		}
		if want, err := encodePK(ids); err != nil || !bytes.Equal(want, pk) {
			rep.Faults = append(rep.Faults, Fault{Model: name, Kind: FaultCorrupt, Detail: fmt.Sprintf("record %x is stored under another id's key", pk)})
		}
		if f, ok := ids[0].(float64); ok && len(ms.idProps) == 1 && ms.idProps[0].Generated && f > maxGenerated {
			maxGenerated = f
		}
		for i, sp := range ms.specs {
			entries, err := sp.Entries(rec, pk)
			if err != nil {
				rep.Faults = append(rep.Faults, Fault{Model: name, Index: sp.Name, Kind: FaultCorrupt, Detail: err.Error()})
				continue
			}
			for _, e := range entries {
				k := string(sp.Key(e)) + "\x00" + string(sp.Value(e))
				expected[i][k] = true
				if e.Unique {
					vals := string(e.Item[:e.ValLen])
					if other, dup := uniqueVals[i][vals]; dup && other != string(pk) {
						rep.Faults = append(rep.Faults, Fault{Model: name, Index: sp.Name, Kind: FaultUnique,
							Detail: fmt.Sprintf("records %x and %x share a unique value", other, pk)})
					}
					uniqueVals[i][vals] = string(pk)
				}
			}
		}
		return true, nil
	})
	if err != nil {
		return err
	}
	if c := tx.counter(name); maxGenerated > c {
		rep.Faults = append(rep.Faults, Fault{Model: name, Kind: FaultCounter,
			Detail: fmt.Sprintf("generated id %s is above the id counter %s", formatNumber(maxGenerated), formatNumber(c))})
	}
	for i, sp := range ms.specs {
		faults := 0
		add := func(kind, detail string) {
			if faults < maxFaultsPerIndex {
				rep.Faults = append(rep.Faults, Fault{Model: name, Index: sp.Name, Kind: kind, Detail: detail})
			}
			faults++
		}
		persisted := map[string]bool{}
		var items [][]byte
		it, err := tx.reader.NewIter(storage.IterOptions{Lower: sp.Prefix, Upper: prefixEnd(sp.Prefix)})
		if err != nil {
			return err
		}
		for it.Next() {
			rep.Entries++
			k := string(it.Key()) + "\x00" + string(it.Value())
			persisted[k] = true
			if !expected[i][k] {
				add(FaultOrphanEntry, fmt.Sprintf("entry %x has no matching record", it.Key()))
			}
			item, err := sp.ItemFromKV(it.Key(), it.Value())
			if err != nil {
				add(FaultCorrupt, err.Error())
				continue
			}
			items = append(items, item)
		}
		err = it.Err()
		it.Close()
		if err != nil {
			return err
		}
		for k := range expected[i] {
			if !persisted[k] {
				key, _, _ := strings.Cut(k, "\x00")
				add(FaultMissingEntry, fmt.Sprintf("entry %x is missing", key))
			}
		}
		cached := tx.tree(sp).Items()
		sort.Slice(items, func(a, b int) bool { return bytes.Compare(items[a], items[b]) < 0 })
		if !equalItems(cached, items) {
			add(FaultCacheMismatch, fmt.Sprintf("the B-tree holds %d entries, the store %d, and they differ", len(cached), len(items)))
		}
	}
	return nil
}

// checkRecordTree checks the records of a memory store, which its record
// trees alone hold (memrecords.go): storage holds none of them, every one
// could be encoded (what a write checks), and the point index serves the
// tree's records.
func (tx *Tx) checkRecordTree(ms *modelState, rep *CheckReport) error {
	faults := 0
	add := func(kind, detail string) {
		if faults < maxFaultsPerIndex {
			rep.Faults = append(rep.Faults, Fault{Model: ms.m.Name, Kind: kind, Detail: detail})
		}
		faults++
	}
	it, err := tx.reader.NewIter(storage.IterOptions{Lower: ms.prefix, Upper: prefixEnd(ms.prefix)})
	if err != nil {
		return err
	}
	for it.Next() {
		add(FaultCacheMismatch, fmt.Sprintf("record %x is in storage, which on a memory store holds no records", it.Key()[len(ms.prefix):]))
	}
	err = it.Err()
	it.Close()
	if err != nil {
		return err
	}
	t := tx.recordTree(ms.m.Name)
	t.Scan(func(item recItem) bool {
		if err := checkStorable(item.rec); err != nil {
			add(FaultCorrupt, fmt.Sprintf("record %x cannot be encoded: %v", item.pk, err))
		}
		return true
	})
	if detail := tx.checkPoints(ms.m.Name, t); detail != "" {
		add(FaultCacheMismatch, detail)
	}
	return nil
}

func equalItems(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

// Repair rebuilds every index of every model from the records (dropping
// orphan entries, adding missing ones) in one atomic batch, and reloads the
// B-tree caches. It fails, changing nothing, when a unique index cannot be
// rebuilt because two records share a value.
func (db *DB) Repair(ctx context.Context) error {
	return db.Update(ctx, func(tx *Tx) error {
		for _, ms := range tx.st.models {
			for _, sp := range ms.specs {
				it, err := tx.reader.NewIter(storage.IterOptions{Lower: sp.Prefix, Upper: prefixEnd(sp.Prefix)})
				if err != nil {
					return err
				}
				var keys [][]byte
				for it.Next() {
					keys = append(keys, bytes.Clone(it.Key()))
				}
				err = it.Err()
				it.Close()
				if err != nil {
					return err
				}
				for _, k := range keys {
					tx.del(k)
				}
				t := index.NewTree()
				tx.setTree(sp, t)
			}
			err := tx.scanRecords(ms, false, func(pk []byte, rec map[string]any) (bool, error) {
				for _, sp := range ms.specs {
					entries, err := sp.Entries(rec, pk)
					if err != nil {
						return false, err
					}
					t := tx.trees[sp]
					for _, e := range entries {
						if e.Unique {
							vals := e.Item[:e.ValLen]
							dup := false
							t.Scan(vals, prefixEnd(vals), func([]byte) bool { dup = true; return false })
							if dup {
								return false, fmt.Errorf("%w: model %q index %q: a value is shared by two records", ErrUniqueViolation, ms.m.Name, sp.Name)
							}
						}
						tx.put(sp.Key(e), sp.Value(e))
						t.Set(e.Item)
					}
				}
				return true, nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
}
