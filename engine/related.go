package engine

import (
	"bytes"
	"encoding/binary"
	"slices"
	"sort"
	"strings"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/index"
	"github.com/relstore/relstore/internal/keyenc"
	"github.com/relstore/relstore/schema"
)

// This file finds related records through the foreign-key indexes. Every
// lookup is batched: one index walk per distinct key, one sorted pass of
// point reads for the records found.

// fieldIndex returns an index of ms whose first field is field, preferring
// single-field ones, or nil.
func fieldIndex(ms *modelState, field string) *index.Spec {
	var best *index.Spec
	for _, sp := range ms.specs {
		if sp.Fields[0] == field && (best == nil || len(sp.Fields) < len(best.Fields)) {
			best = sp
		}
	}
	return best
}

// valueKey is the grouping key of a value (its order-preserving encoding).
func valueKey(v any) (string, bool) {
	b, ok := encodeValue(v)
	return string(b), ok
}

// appendValueKey appends the valueKey of v to dst.
func appendValueKey(dst []byte, v any) ([]byte, bool) {
	b, err := keyenc.AppendValue(dst, v)
	return b, err == nil
}

// rowsByField returns, for each value, the stored records of ms whose field
// equals it (array fields: contains it), grouped by valueKey, each group in
// primary-key order. It walks the field's index when there is one and scans
// the model once otherwise. Groups hold no empty lists. The map's keys view
// bytes that are never modified: callers may keep them.
func (tx *Tx) rowsByField(ms *modelState, field string, vals []any) (map[string][]row, error) {
	keys := distinctKeys(vals)
	if len(keys) == 0 {
		return map[string][]row{}, nil
	}
	byID := len(ms.idProps) == 1 && ms.idProps[0].Name == field
	sp := fieldIndex(ms, field)
	var t *index.Tree
	if !byID && sp != nil {
		t = tx.tree(sp)
		if tx.st.records != nil || tx.cached {
			return tx.rowsByIndexPoint(ms, sp, t, keys) // makes its own map
		}
	}
	groups := make(map[string][]row, len(keys))
	if byID {
		for _, pk := range keys { // sorted: seeks in key order
			rec, err := tx.getRecord(ms, pk)
			if err != nil {
				return nil, err
			}
			if rec != nil {
				groups[unsafeString(pk)] = []row{{pk: pk, rec: rec}}
			}
		}
		return groups, nil
	}
	if sp == nil {
		want := make(map[string]string, len(keys)) // a key's bytes → the map key
		for _, k := range keys {
			want[unsafeString(k)] = unsafeString(k)
		}
		var kb []byte
		group := func(el any, pk []byte, rec map[string]any, seen map[string]bool) {
			var ok bool
			if kb, ok = appendValueKey(kb[:0], el); !ok {
				return
			}
			k, ok := want[string(kb)]
			if !ok || seen != nil && seen[k] {
				return
			}
			if seen != nil {
				seen[k] = true
			}
			groups[k] = append(groups[k], row{pk: pk, rec: rec})
		}
		err := tx.scanRecords(ms, false, func(pk []byte, rec map[string]any) (bool, error) {
			v := index.Lookup(rec, field)
			if arr, ok := v.([]any); ok {
				seen := map[string]bool{}
				for _, el := range arr {
					group(el, pk, rec, seen)
				}
				return true, nil
			}
			group(v, pk, rec, nil)
			return true, nil
		})
		return groups, err
	}
	type hit struct {
		key string
		pk  []byte
	}
	var hits []hit
	var ferr error
	for _, k := range keys {
		tx.stats.IndexScans++
		key := unsafeString(k)
		t.Scan(k, prefixEnd(k), func(item []byte) bool {
			tx.stats.IndexItems++
			_, pk, err := sp.SplitItem(item)
			if err != nil {
				ferr = err
				return false
			}
			hits = append(hits, hit{key: key, pk: pk}) // tree items are immutable
			return true
		})
		if ferr != nil {
			return nil, ferr
		}
	}
	// One sorted pass of point reads, each record read once.
	// A record under several keys (an array value) is in several
	// groups, each filled in primary-key order: ties need no stable order.
	slices.SortFunc(hits, func(a, b hit) int {
		if c := bytes.Compare(a.pk, b.pk); c != 0 {
			return c
		}
		return strings.Compare(a.key, b.key)
	})
	var lastPK []byte
	var lastRec map[string]any
	for _, h := range hits {
		if lastPK == nil || !bytes.Equal(h.pk, lastPK) {
			rec, err := tx.getRecord(ms, h.pk)
			if err != nil {
				return nil, err
			}
			lastPK, lastRec = h.pk, rec
		}
		if lastRec != nil {
			groups[h.key] = append(groups[h.key], row{pk: h.pk, rec: lastRec})
		}
	}
	return groups, nil
}

// rowsByIndexPoint is rowsByField's index walk where point reads are
// cheap in any order — hash probes on a memory store, the decoded-record
// cache (cache.go) in a read transaction on Pebble — so the storage seeks
// need no sorting: each key's group is built as its walk goes, every group
// a window of one shared slice, in primary-key order. (On Pebble a record
// the cache misses is a seek in walk order; warm, sorting the hits for the
// seeks cost more than the reads.)
func (tx *Tx) rowsByIndexPoint(ms *modelState, sp *index.Spec, t *index.Tree, keys [][]byte) (map[string][]row, error) {
	groups := make(map[string][]row, len(keys))
	all := make([]row, 0, 4*len(keys))
	single := len(sp.Fields) == 1
	var ferr error
	found := 0 // rows found so far, for sizing the next chunk of all
	for ki, k := range keys {
		tx.stats.IndexScans++
		start := len(all)
		t.Scan(k, prefixEnd(k), func(item []byte) bool {
			tx.stats.IndexItems++
			var pk []byte
			if single {
				pk = item[len(k):] // the walk's items all start with k
			} else {
				var err error
				if _, pk, err = sp.SplitItem(item); err != nil {
					ferr = err
					return false
				}
			}
			rec, err := tx.getRecord(ms, pk)
			if err != nil {
				ferr = err
				return false
			}
			if rec != nil {
				if len(all) == cap(all) {
					// A fresh slice, not a grown copy: the groups made so
					// far keep their windows of the old one; only this
					// key's rows move.
					cur := len(all) - start
					next := make([]row, cur, nextChunkCap(cur, found, ki, len(keys)))
					copy(next, all[start:])
					all, start = next, 0
				}
				all = append(all, row{pk: pk, rec: rec}) // tree items are immutable
				found++
			}
			return true
		})
		if ferr != nil {
			return nil, ferr
		}
		if len(all) > start {
			g := all[start:len(all):len(all)]
			if !single {
				// A compound index orders a key's entries by its other
				// fields first; groups are in primary-key order.
				sort.SliceStable(g, func(i, j int) bool { return bytes.Compare(g[i].pk, g[j].pk) < 0 })
			}
			groups[unsafeString(k)] = g
		}
	}
	return groups, nil
}

// nextChunkCap sizes the next chunk of rowsByIndexPoint's shared row slice
// when key ki of nkeys fills the current one, cur of its rows in it, after
// found rows in all: room for the keys left at the rate found so far, so
// that a walk allocates little more than it keeps, but never for more rows
// than found (the slice at most doubles, however uneven the keys are).
func nextChunkCap(cur, found, ki, nkeys int) int {
	rate := found/(ki+1) + 1
	return cur + max(min(rate*(nkeys-ki), found+8), 8)
}

// keyLookup reads a rowsByField map by value without allocating: the
// value's key is encoded into a reused buffer, and a map read by
// string(bytes) copies nothing.
type keyLookup struct{ buf []byte }

// get returns groups[valueKey(v)]; ok is false when v has no key.
func (l *keyLookup) get(groups map[string][]row, v any) (rows []row, ok bool) {
	if l.buf, ok = appendValueKey(l.buf[:0], v); !ok {
		return nil, false
	}
	return groups[string(l.buf)], true
}

// distinctKeys returns the valueKeys of the non-nil values of vals that
// have one, sorted and without repeats. The keys are carved from one
// buffer and never modified.
func distinctKeys(vals []any) [][]byte {
	keys := make([][]byte, 0, len(vals))
	buf := make([]byte, 0, 9*len(vals)) // room for as many numbers
	for _, v := range vals {
		if v == nil {
			continue
		}
		start := len(buf)
		var ok bool
		if buf, ok = appendValueKey(buf, v); !ok {
			buf = buf[:start]
			continue
		}
		// Later appends write past the key's capacity, never into it.
		keys = append(keys, buf[start:len(buf):len(buf)])
	}
	if sorted, ok := sortNumberKeys(keys); ok {
		return sorted
	}
	slices.SortFunc(keys, bytes.Compare)
	return slices.CompactFunc(keys, bytes.Equal)
}

// sortNumberKeys sorts keys and drops repeats when every one is a number
// key (keyenc.AppendNumber: a tag and 8 bytes whose big-endian order is the
// numbers' order), as uint64s rather than by bytes.Compare (the keys of
// ids and foreign keys). It returns keys' prefix holding the result, the
// keys rewritten into one new buffer, or false, leaving keys as they were,
// when a key is not a number key.
func sortNumberKeys(keys [][]byte) ([][]byte, bool) {
	if len(keys) < 2 {
		return keys, true
	}
	nums := make([]uint64, len(keys))
	for i, k := range keys {
		if len(k) != 9 || k[0] != keyenc.TagNumber {
			return nil, false
		}
		nums[i] = binary.BigEndian.Uint64(k[1:])
	}
	slices.Sort(nums)
	nums = slices.Compact(nums)
	buf := make([]byte, 0, 9*len(nums))
	for i, u := range nums {
		buf = binary.BigEndian.AppendUint64(append(buf, keyenc.TagNumber), u)
		keys[i] = buf[9*i : 9*i+9 : 9*i+9]
	}
	clear(keys[len(nums):])
	return keys[:len(nums)], true
}

// sourceKey is the value of the source-side key of a hasOne/hasMany/through
// relation on rec.
func (tx *Tx) sourceKey(ms *modelState, rel *schema.Relation, rec map[string]any) any {
	if rel.PrimaryKey != "" {
		return rec[rel.PrimaryKey]
	}
	if len(ms.idProps) > 0 {
		return rec[ms.idProps[0].Name]
	}
	return nil
}

// targetKeyName is the target-side key of a belongsTo relation.
func targetKeyName(tms *modelState, rel *schema.Relation) string {
	if rel.PrimaryKey != "" {
		return rel.PrimaryKey
	}
	if len(tms.idProps) > 0 {
		return tms.idProps[0].Name
	}
	return "id"
}

// relationScope returns the parsed where of a relation's scope merged with
// the target's default scope, or nil.
func (tx *Tx) relationWhere(rel *schema.Relation, tms *modelState) (filter.Node, error) {
	var raw map[string]any
	if rel.Scope != nil {
		raw = map[string]any{}
		if w, ok := rel.Scope["where"]; ok {
			raw["where"] = w
		}
	}
	if tms.m.Scope != nil {
		raw = filter.Merge(raw, scopeWhereOnly(tms.m.Scope))
	}
	if raw == nil || raw["where"] == nil {
		return nil, nil
	}
	return filter.ParseWhere(raw["where"], tms.m, tx.st.set)
}

// relatedRecords returns the stored records related to rec through rel
// (relation scope and target default scope applied), in the relation's
// natural order. Errors are treated as "no related records": it serves
// relation paths and relation ordering, which then do not match.
func (tx *Tx) relatedRecords(rec map[string]any, rel *schema.Relation) []map[string]any {
	rows, err := tx.relatedRows(rec, rel)
	if err != nil {
		return nil
	}
	out := make([]map[string]any, len(rows))
	for i, r := range rows {
		out[i] = r.rec
	}
	return out
}

// relatedRows finds the rows related to one source record.
func (tx *Tx) relatedRows(rec map[string]any, rel *schema.Relation) ([]row, error) {
	ms := tx.sourceModelOf(rel)
	groups, err := tx.relatedBatch(ms, rel, []map[string]any{rec})
	if err != nil {
		return nil, err
	}
	return groups[0], nil
}

// pointReadsByID reports whether tx reads the targets of rel, a belongsTo
// onto tms, with a point read each: rel is keyed by the target's single id
// and tx reads a memory store or through the record cache, where a read
// costs no storage seek.
func (tx *Tx) pointReadsByID(tms *modelState, rel *schema.Relation) bool {
	return (tx.st.records != nil || tx.cached) &&
		len(tms.idProps) == 1 && tms.idProps[0].Name == targetKeyName(tms, rel)
}

// belongsToTarget returns the record a belongsTo relation of rec points
// at, or nil, as relatedRows finds it. The common case — no scope, keyed by
// the target's id, on a memory store or through the record cache — is one
// point read, without the batch's slices.
func (tx *Tx) belongsToTarget(rec map[string]any, rel *schema.Relation) (map[string]any, error) {
	tms := tx.st.models[rel.Model]
	if rel.Polymorphic == nil && tms != nil && tx.pointReadsByID(tms, rel) {
		where, err := tx.relationWhere(rel, tms)
		if err != nil {
			return nil, err
		}
		if where == nil {
			v := rec[rel.ForeignKey]
			if v == nil {
				return nil, nil
			}
			pk, ok := appendValueKey(nil, v)
			if !ok {
				return nil, nil
			}
			return tx.getRecord(tms, pk)
		}
	}
	rows, err := tx.relatedRows(rec, rel)
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	return rows[0].rec, nil
}

// sourceModelOf finds the model declaring rel.
func (tx *Tx) sourceModelOf(rel *schema.Relation) *modelState {
	if ms := tx.st.owners[rel]; ms != nil {
		return ms
	}
	for _, ms := range tx.st.models {
		for _, r := range ms.m.Relations {
			if r == rel {
				return ms
			}
		}
	}
	return nil
}

// relatedBatch returns, for each source record, its related rows through
// rel: one batched lookup for all sources. Relation scope where and the
// target's default scope where are applied. Embedded relations yield rows
// without a pk.
func (tx *Tx) relatedBatch(ms *modelState, rel *schema.Relation, recs []map[string]any) ([][]row, error) {
	out := make([][]row, len(recs))
	switch rel.Type {
	case schema.RelEmbedsOne:
		for i, rec := range recs {
			if m, ok := rec[rel.Property].(map[string]any); ok {
				out[i] = []row{{rec: m}}
			}
		}
		return out, nil
	case schema.RelEmbedsMany:
		for i, rec := range recs {
			if arr, ok := rec[rel.Property].([]any); ok {
				for _, el := range arr {
					if m, ok := el.(map[string]any); ok {
						out[i] = append(out[i], row{rec: m})
					}
				}
			}
		}
		return out, nil
	}
	if rel.Type == schema.RelBelongsTo && rel.Polymorphic != nil {
		return tx.polymorphicBelongsTo(rel, recs)
	}
	tms := tx.st.models[rel.Model]
	if tms == nil {
		return out, nil
	}
	where, err := tx.relationWhere(rel, tms)
	if err != nil {
		return nil, err
	}
	keep := func(rows []row) ([]row, error) {
		if where == nil {
			return rows, nil
		}
		kept := rows[:0:0]
		for _, r := range rows {
			ok, err := filter.Match(where, r.rec, tx)
			if err != nil {
				return nil, err
			}
			if ok {
				kept = append(kept, r)
			}
		}
		return kept, nil
	}
	switch {
	case rel.Type == schema.RelBelongsTo && tx.pointReadsByID(tms, rel):
		// Keyed by the target's id, on a memory store or in a Pebble read
		// transaction that reads through the record cache: a point read
		// per distinct key, in source order (the point index, or the
		// cache, makes sorting the keys for the seeks pointless).
		var buf []byte
		var seen map[string][]row
		if len(recs) > 1 {
			seen = make(map[string][]row, len(recs))
		}
		// Each distinct target's key bytes and row are carved from
		// shared chunks: one allocation per many targets, not three each.
		var pks []byte
		var rowBuf []row
		for i, rec := range recs {
			v := rec[rel.ForeignKey]
			if v == nil {
				continue
			}
			var ok bool
			if buf, ok = appendValueKey(buf[:0], v); !ok {
				continue
			}
			if rows, ok := seen[string(buf)]; ok {
				out[i] = rows
				continue
			}
			trec, err := tx.getRecord(tms, buf)
			if err != nil {
				return nil, err
			}
			if cap(pks)-len(pks) < len(buf) {
				// Room for the keys still to come, up to 4 KiB (a single
				// lookup takes just its key).
				pks = make([]byte, 0, max(len(buf), min(4096, len(buf)*(len(recs)-i))))
			}
			pks = append(pks, buf...)
			pk := pks[len(pks)-len(buf) : len(pks) : len(pks)] // never modified
			if trec != nil {
				if len(rowBuf) == cap(rowBuf) {
					rowBuf = make([]row, 0, min(len(recs)-i, 1024))
				}
				rowBuf = append(rowBuf, row{pk: pk, rec: trec})
				n := len(rowBuf)
				if out[i], err = keep(rowBuf[n-1 : n : n]); err != nil {
					return nil, err
				}
			}
			if seen != nil {
				seen[unsafeString(pk)] = out[i]
			}
		}
	case rel.Type == schema.RelBelongsTo:
		keyName := targetKeyName(tms, rel)
		vals := make([]any, len(recs))
		for i, rec := range recs {
			vals[i] = rec[rel.ForeignKey]
		}
		groups, err := tx.rowsByField(tms, keyName, vals)
		if err != nil {
			return nil, err
		}
		var lk keyLookup
		for i, v := range vals {
			if rows, ok := lk.get(groups, v); ok && v != nil {
				if out[i], err = keep(rows); err != nil {
					return nil, err
				}
				if len(out[i]) > 1 {
					out[i] = out[i][:1]
				}
			}
		}
	case rel.Type == schema.RelReferencesMany:
		var all []any
		for _, rec := range recs {
			if arr, ok := rec[rel.ForeignKey].([]any); ok {
				all = append(all, arr...)
			}
		}
		groups, err := tx.rowsByField(tms, targetKeyName(tms, rel), all)
		if err != nil {
			return nil, err
		}
		var lk keyLookup
		for i, rec := range recs {
			arr, _ := rec[rel.ForeignKey].([]any)
			for _, id := range arr {
				if rows, ok := lk.get(groups, id); ok {
					rows, err := keep(rows)
					if err != nil {
						return nil, err
					}
					out[i] = append(out[i], rows...)
				}
			}
		}
	case rel.Through != "":
		thms := tx.st.models[rel.Through]
		if thms == nil {
			return out, nil
		}
		keys := make([]any, len(recs))
		for i, rec := range recs {
			keys[i] = tx.sourceKey(ms, rel, rec)
		}
		throughGroups, err := tx.rowsByField(thms, rel.ForeignKey, keys)
		if err != nil {
			return nil, err
		}
		if disc, val, ok := throughDiscriminator(ms, rel); ok {
			for k, rows := range throughGroups {
				typed := rows[:0:0]
				for _, r := range rows {
					if r.rec[disc] == val {
						typed = append(typed, r)
					}
				}
				throughGroups[k] = typed
			}
		}
		var targetIDs []any
		for _, rows := range throughGroups {
			for _, r := range rows {
				targetIDs = append(targetIDs, r.rec[rel.KeyThrough])
			}
		}
		targets, err := tx.rowsByField(tms, targetKeyName(tms, &schema.Relation{}), targetIDs)
		if err != nil {
			return nil, err
		}
		for i, k := range keys {
			kk, ok := valueKey(k)
			if !ok || k == nil {
				continue
			}
			seen := map[string]bool{}
			for _, th := range throughGroups[kk] {
				tk, ok := valueKey(th.rec[rel.KeyThrough])
				if !ok || seen[tk] {
					continue
				}
				seen[tk] = true
				rows, err := keep(targets[tk])
				if err != nil {
					return nil, err
				}
				out[i] = append(out[i], rows...)
			}
		}
	default: // hasMany, hasOne
		keys := make([]any, len(recs))
		for i, rec := range recs {
			keys[i] = tx.sourceKey(ms, rel, rec)
		}
		var polyType string
		if rel.Polymorphic != nil {
			polyType = ms.m.Name
		}
		groups, err := tx.rowsByField(tms, rel.ForeignKey, keys)
		if err != nil {
			return nil, err
		}
		var lk keyLookup
		for i, k := range keys {
			if rows, ok := lk.get(groups, k); ok && k != nil {
				if polyType != "" {
					var typed []row
					for _, r := range rows {
						if r.rec[rel.Polymorphic.Discriminator] == polyType {
							typed = append(typed, r)
						}
					}
					rows = typed
				}
				if out[i], err = keep(rows); err != nil {
					return nil, err
				}
			}
		}
	}
	return out, nil
}

// throughDiscriminator returns, for a polymorphic through relation, the
// through model's discriminator property and the value that marks this
// relation's links: the source model's name, or for the inverted side
// (Picture → its imageables) the target model's name.
func throughDiscriminator(ms *modelState, rel *schema.Relation) (prop, value string, ok bool) {
	if rel.Through == "" || rel.Polymorphic == nil || ms == nil {
		return "", "", false
	}
	if rel.Invert {
		return rel.Polymorphic.Discriminator, rel.Model, true
	}
	return rel.Polymorphic.Discriminator, ms.m.Name, true
}

// polymorphicBelongsTo resolves each source's target model from its
// discriminator, one batched lookup per target model.
func (tx *Tx) polymorphicBelongsTo(rel *schema.Relation, recs []map[string]any) ([][]row, error) {
	out := make([][]row, len(recs))
	byModel := map[string][]int{}
	for i, rec := range recs {
		if name, ok := rec[rel.Polymorphic.Discriminator].(string); ok {
			byModel[name] = append(byModel[name], i)
		}
	}
	for name, idxs := range byModel {
		tms := tx.modelNamed(name)
		if tms == nil {
			continue
		}
		vals := make([]any, len(idxs))
		for j, i := range idxs {
			vals[j] = recs[i][rel.Polymorphic.ForeignKey]
		}
		groups, err := tx.rowsByField(tms, targetKeyName(tms, &schema.Relation{}), vals)
		if err != nil {
			return nil, err
		}
		var lk keyLookup
		for j, i := range idxs {
			if rows, ok := lk.get(groups, vals[j]); ok && vals[j] != nil {
				for _, r := range rows {
					// The target model's default scope applies, as to any
					// related record.
					if tms.m.Scope == nil || tx.inDefaultScope(tms, r.rec) {
						out[i] = append(out[i], r)
					}
				}
				if len(out[i]) > 1 {
					out[i] = out[i][:1]
				}
			}
		}
	}
	return out, nil
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// targetModelOf returns the runtime model a relation points at (for a
// polymorphic belongsTo, the model named by rec's discriminator).
func (tx *Tx) targetModelOf(rel *schema.Relation, rec map[string]any) *modelState {
	if rel.Type == schema.RelBelongsTo && rel.Polymorphic != nil {
		name, _ := rec[rel.Polymorphic.Discriminator].(string)
		return tx.modelNamed(name)
	}
	return tx.st.models[rel.Model]
}

// modelNamed finds the stored model a polymorphic discriminator names:
// exactly, else by a case-insensitive match when exactly one model matches
// (LoopBack looks discriminators up case-insensitively). Polymorphic
// belongsTo lookups and the output of their targets must agree on it.
func (tx *Tx) modelNamed(name string) *modelState {
	if ms := tx.st.models[name]; ms != nil {
		return ms
	}
	var found *modelState
	for n, ms := range tx.st.models {
		if equalFold(n, name) {
			if found != nil {
				return nil
			}
			found = ms
		}
	}
	return found
}

// MatchRelation evaluates a relation-path condition on a record: for a
// to-one hop, whether the related record matches; for some/none/every,
// whether some, none or every related record matches (every is true
// without related records). It implements filter.Resolver.
func (tx *Tx) MatchRelation(rec map[string]any, c *filter.RelCond) (bool, error) {
	rows, err := tx.relatedRows(rec, c.Relation)
	if err != nil {
		return false, err
	}
	any := false
	for _, r := range rows {
		ok, err := filter.Match(c.Where, r.rec, tx)
		if err != nil {
			return false, err
		}
		switch c.Quant {
		case filter.QuantEvery:
			if !ok {
				return false, nil
			}
		default:
			if ok {
				any = true
			}
		}
		if any && c.Quant != filter.QuantEvery {
			break
		}
	}
	switch c.Quant {
	case filter.QuantEvery:
		return true, nil
	case filter.QuantNone:
		return !any, nil
	}
	return any, nil
}
