package engine

import (
	"context"
	"fmt"
	"reflect"

	"github.com/relstore/relstore/index"
	"github.com/relstore/relstore/schema"
	"github.com/relstore/relstore/storage"
)

// Define stores the models of set in the catalog. Persisted models that are
// new get a model id; models already stored are updated: a new index is
// backfilled from the records (with progress on stderr for large models), a
// removed index is dropped, and an incompatible change (a property's type,
// the id property) is refused with ErrIncompatibleSchema naming it, leaving
// the store unchanged. Models stored earlier but absent from set are kept.
// Non-persisted models of set (nested types, Model-based) are recorded too,
// so that definitions refer to them, but hold no records.
func (db *DB) Define(set *schema.Set) error {
	if db.closed.Load() {
		return ErrClosed
	}
	db.writeMu.Lock()
	defer db.writeMu.Unlock()
	db.stateMu.RLock()
	prev := db.cur
	db.stateMu.RUnlock()

	cat := prev.cat.clone()
	for _, name := range set.Order {
		m := set.Models[name]
		if m == nil {
			continue
		}
		if old := cat.Models[name]; old != nil {
			if why := compatible(old.Def, m); why != "" {
				return fmt.Errorf("%w: %s", ErrIncompatibleSchema, why)
			}
		}
	}
	ov := storage.NewOverlay(db.st)
	type backfill struct {
		model string
		spec  *index.Spec
	}
	var backfills []backfill
	var drops []*index.Spec
	for _, name := range set.Order {
		m := set.Models[name]
		if m == nil {
			continue
		}
		cm := cat.Models[name]
		if cm == nil {
			cm = &catModel{ID: cat.NextModelID, NextIndexID: 1}
			cat.NextModelID++
			cat.Models[name] = cm
			cat.Order = append(cat.Order, name)
		}
		cm.Def = m
		want := modelIndexes(m)
		if !m.Persisted {
			want = nil
		}
		var kept []*catIndex
		for _, ci := range cm.Indexes {
			found := false
			for _, w := range want {
				if reflect.DeepEqual(w.Fields, ci.Fields) && w.Unique == ci.Unique {
					found = true
				}
			}
			if found {
				kept = append(kept, ci)
			} else {
				drops = append(drops, &index.Spec{ID: ci.ID, Name: ci.Name, Fields: ci.Fields, Unique: ci.Unique, Prefix: indexPrefix(cm.ID, ci.ID)})
			}
		}
		for _, w := range want {
			found := false
			for _, ci := range kept {
				if reflect.DeepEqual(w.Fields, ci.Fields) && w.Unique == ci.Unique {
					found = true
				}
			}
			if !found {
				ci := &catIndex{ID: cm.NextIndexID, Name: w.Name, Fields: w.Fields, Unique: w.Unique}
				cm.NextIndexID++
				kept = append(kept, ci)
				backfills = append(backfills, backfill{model: name, spec: &index.Spec{ID: ci.ID, Name: ci.Name,
					Fields: ci.Fields, Unique: ci.Unique, Prefix: indexPrefix(cm.ID, ci.ID)}})
			}
		}
		cm.Indexes = kept
	}
	next, err := db.buildState(cat, prev)
	if err != nil {
		return err
	}
	// Drop removed indexes.
	for _, sp := range drops {
		it, err := ov.NewIter(storage.IterOptions{Lower: sp.Prefix, Upper: prefixEnd(sp.Prefix)})
		if err != nil {
			return err
		}
		var keys [][]byte
		for it.Next() {
			keys = append(keys, append([]byte(nil), it.Key()...))
		}
		err = it.Err()
		it.Close()
		if err != nil {
			return err
		}
		for _, k := range keys {
			ov.Delete(k)
		}
	}
	// Backfill new indexes from the records, checking uniqueness.
	for _, bf := range backfills {
		ms := next.models[bf.model]
		var sp *index.Spec
		for _, s := range ms.specs {
			if s.ID == bf.spec.ID {
				sp = s
			}
		}
		t := index.NewTree()
		next.trees[sp] = t
		tx := &Tx{db: db, ctx: context.Background(), write: true, st: next, reader: ov,
			txWrites: &txWrites{ov: ov, trees: map[*index.Spec]*index.Tree{sp: t}, counters: map[string]float64{}}}
		n := 0
		err := tx.scanRecords(ms, false, func(pk []byte, rec map[string]any) (bool, error) {
			entries, err := sp.Entries(rec, pk)
			if err != nil {
				return false, err
			}
			for _, e := range entries {
				if e.Unique {
					vals := e.Item[:e.ValLen]
					dup := false
					t.Scan(vals, prefixEnd(vals), func([]byte) bool { dup = true; return false })
					if dup {
						return false, fmt.Errorf("%w: model %q: cannot build unique index %q: value %s is not unique",
							ErrUniqueViolation, bf.model, sp.Name, describeIndexValue(ms.m, sp, rec))
					}
				}
				ov.Set(sp.Key(e), sp.Value(e))
				t.Set(e.Item)
			}
			n++
			if n%backfillProgressEvery == 0 {
				fmt.Fprintf(db.opts.Progress, "relstore: backfilling index %q of %s: %d records\n", sp.Name, bf.model, n)
			}
			return true, nil
		})
		if err != nil {
			return err
		}
		if n >= backfillProgressEvery {
			fmt.Fprintf(db.opts.Progress, "relstore: backfilled index %q of %s: %d records\n", sp.Name, bf.model, n)
		}
	}
	enc, err := cat.encode()
	if err != nil {
		return err
	}
	ov.Set(catalogKey, enc)
	b := ov.Batch()
	db.stateMu.Lock()
	err = db.apply(b, !db.opts.NoSync)
	if err == nil {
		db.publish(next)
		if db.memRecords {
			db.rebuildPoints(next)
		}
	}
	db.stateMu.Unlock()
	return err
}
