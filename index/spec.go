package index

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/relstore/relstore/internal/keyenc"
)

// Sentinel errors of the index package.
var (
	// ErrCorruptEntry is returned when a stored index entry cannot be parsed.
	ErrCorruptEntry = errors.New("relstore: index: corrupt entry")
)

// Spec describes one secondary index of one model: the properties it covers,
// in order, and whether their tuple must be unique.
//
// Entries are order-preserving byte strings (package keyenc): the encoded
// field values followed by the encoded primary key. A persisted entry lives
// under Prefix; its exact layout is
//
//	Prefix <v1>…<vn> <pk>  → ""     (non-unique, or unique with a null vi)
//	Prefix <v1>…<vn>       → <pk>   (unique, every vi non-null)
//
// so that a unique violation is a point lookup. The in-memory Tree holds
// <v1>…<vn><pk> for every entry, whichever layout was persisted.
type Spec struct {
	ID     uint64   // stable within the model, assigned by the catalog
	Name   string   // as declared
	Fields []string // property names (dot paths allowed), in key order
	Unique bool
	// Prefix is the persisted key prefix of every entry of this index.
	Prefix []byte
}

// Entry is one index entry of one record.
type Entry struct {
	// Item is <v1>…<vn><pk>: the Tree item and the identity of the entry.
	Item []byte
	// Unique is true when the entry is persisted in the unique layout.
	Unique bool
	// ValLen is the length of the <v1>…<vn> part of Item.
	ValLen int
	// key is Prefix followed by Item in one allocation when the entry was
	// made by Entries (Item is its tail), so that Key need not copy;
	// nil otherwise.
	key []byte
}

// Key returns the persisted key of e. For an entry made by this Spec's
// Entries (and whose Item was not replaced since) the key shares its bytes
// with e.Item, without a copy; otherwise it is a new slice. Either way it
// must not be modified, and appending to it never writes into e.Item.
func (s *Spec) Key(e Entry) []byte {
	n := len(e.Item)
	if e.Unique {
		n = e.ValLen
	}
	if s.ownsKey(e) {
		n += len(s.Prefix)
		return e.key[:n:n]
	}
	k := make([]byte, 0, len(s.Prefix)+n)
	k = append(k, s.Prefix...)
	return append(k, e.Item[:n]...)
}

// ownsKey reports whether e.key is s.Prefix followed by e.Item itself.
func (s *Spec) ownsKey(e Entry) bool {
	p := len(s.Prefix)
	return len(e.Item) > 0 && len(e.key) == p+len(e.Item) &&
		&e.key[p] == &e.Item[0] && bytes.Equal(e.key[:p], s.Prefix)
}

// Value returns the persisted value of e: the pk for the unique layout,
// empty otherwise. It shares its bytes with e.Item: do not modify it.
func (s *Spec) Value(e Entry) []byte {
	if e.Unique {
		return e.Item[e.ValLen:len(e.Item):len(e.Item)]
	}
	return nil
}

// ItemFromKV rebuilds the Tree item from a persisted key (with Prefix) and
// value.
func (s *Spec) ItemFromKV(key, value []byte) ([]byte, error) {
	if !bytes.HasPrefix(key, s.Prefix) {
		return nil, fmt.Errorf("%w: key outside index %q", ErrCorruptEntry, s.Name)
	}
	suffix := key[len(s.Prefix):]
	item := make([]byte, 0, len(suffix)+len(value))
	item = append(item, suffix...)
	return append(item, value...), nil
}

// Entries computes the entries of a record whose encoded primary key is pk.
// A single-field index over an array value yields one entry per distinct
// element (so that an array of ids can be looked up by any of them); an
// empty array yields none. A missing value is indexed as null.
//
// Each entry's Item is a new slice (pk is copied), shared with the key that
// Key returns for it: neither may be modified.
func (s *Spec) Entries(rec map[string]any, pk []byte) ([]Entry, error) {
	return s.AppendEntries(nil, rec, pk)
}

// AppendEntries is Entries appending to dst, so that a caller can reuse
// one slice for the entries of many records (the Items are new slices all
// the same).
func (s *Spec) AppendEntries(dst []Entry, rec map[string]any, pk []byte) ([]Entry, error) {
	// The encoded values are built in a stack buffer, then copied with the
	// prefix and pk into the entry's single allocation.
	var stack [64]byte
	if len(s.Fields) == 1 {
		v := Lookup(rec, s.Fields[0])
		if arr, ok := v.([]any); ok {
			var seen map[string]bool
			for _, el := range arr {
				vb, err := keyenc.AppendValue(stack[:0], scalar(el))
				if err != nil {
					return dst, fmt.Errorf("index %q: %w", s.Name, err)
				}
				if len(arr) > 1 {
					if seen == nil {
						seen = make(map[string]bool, len(arr))
					}
					if seen[string(vb)] {
						continue
					}
					seen[string(vb)] = true
				}
				dst = append(dst, s.entry(vb, el == nil, pk))
			}
			return dst, nil
		}
	}
	vb := stack[:0]
	hasNull := false
	for _, f := range s.Fields {
		v := scalar(Lookup(rec, f))
		if v == nil {
			hasNull = true
		}
		var err error
		vb, err = keyenc.AppendValue(vb, v)
		if err != nil {
			return dst, fmt.Errorf("index %q field %q: %w", s.Name, f, err)
		}
	}
	return append(dst, s.entry(vb, hasNull, pk)), nil
}

// entry builds the entry of the encoded values vals (copied) and pk in
// one allocation: Prefix, vals, pk.
func (s *Spec) entry(vals []byte, hasNull bool, pk []byte) Entry {
	p := len(s.Prefix)
	key := make([]byte, p+len(vals)+len(pk))
	copy(key, s.Prefix)
	copy(key[p:], vals)
	copy(key[p+len(vals):], pk)
	return Entry{Item: key[p:len(key):len(key)], Unique: s.Unique && !hasNull, ValLen: len(vals), key: key}
}

// SplitItem splits a Tree item of this index into its encoded values and
// the encoded primary key.
func (s *Spec) SplitItem(item []byte) (vals, pk []byte, err error) {
	rest := item
	for range s.Fields {
		_, r, err := keyenc.Decode(rest)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: %v", ErrCorruptEntry, err)
		}
		rest = r
	}
	n := len(item) - len(rest)
	return item[:n], item[n:], nil
}

// scalar maps values that have no key encoding (objects, arrays) to nil:
// they are indexed as null and never found by an index lookup; the engine
// rechecks every candidate, so this only loses index use, never answers.
func scalar(v any) any {
	switch v.(type) {
	case map[string]any, []any:
		return nil
	}
	return v
}

// Lookup returns the value of a property or dotted path in rec (nil when
// absent).
func Lookup(rec map[string]any, path string) any {
	if v, ok := rec[path]; ok {
		return v
	}
	cur := any(rec)
	start := 0
	for i := 0; i <= len(path); i++ {
		if i == len(path) || path[i] == '.' {
			m, ok := cur.(map[string]any)
			if !ok {
				return nil
			}
			cur = m[path[start:i]]
			start = i + 1
		}
	}
	return cur
}
