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
}

// Key returns the persisted key of e.
func (s *Spec) Key(e Entry) []byte {
	n := len(e.Item)
	if e.Unique {
		n = e.ValLen
	}
	k := make([]byte, 0, len(s.Prefix)+n)
	k = append(k, s.Prefix...)
	return append(k, e.Item[:n]...)
}

// Value returns the persisted value of e: the pk for the unique layout,
// empty otherwise.
func (s *Spec) Value(e Entry) []byte {
	if e.Unique {
		return e.Item[e.ValLen:]
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
func (s *Spec) Entries(rec map[string]any, pk []byte) ([]Entry, error) {
	if len(s.Fields) == 1 {
		v := Lookup(rec, s.Fields[0])
		if arr, ok := v.([]any); ok {
			var out []Entry
			seen := map[string]bool{}
			for _, el := range arr {
				vb, err := keyenc.AppendValue(nil, scalar(el))
				if err != nil {
					return nil, fmt.Errorf("index %q: %w", s.Name, err)
				}
				if seen[string(vb)] {
					continue
				}
				seen[string(vb)] = true
				out = append(out, s.entry(vb, el == nil, pk))
			}
			return out, nil
		}
	}
	var vb []byte
	hasNull := false
	for _, f := range s.Fields {
		v := scalar(Lookup(rec, f))
		if v == nil {
			hasNull = true
		}
		var err error
		vb, err = keyenc.AppendValue(vb, v)
		if err != nil {
			return nil, fmt.Errorf("index %q field %q: %w", s.Name, f, err)
		}
	}
	return []Entry{s.entry(vb, hasNull, pk)}, nil
}

func (s *Spec) entry(vals []byte, hasNull bool, pk []byte) Entry {
	item := make([]byte, 0, len(vals)+len(pk))
	item = append(item, vals...)
	item = append(item, pk...)
	return Entry{Item: item, Unique: s.Unique && !hasNull, ValLen: len(vals)}
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
