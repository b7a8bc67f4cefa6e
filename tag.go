package relstore

import (
	"fmt"
	"strings"
)

// tag is a parsed `relstore:"..."` struct tag: comma-separated items, each
// a bare key ("required") or key=value ("maxLength=5"). A comma inside a
// value is written `\,` (pattern=^a{1\,3}$); `\\` is a backslash.
type tag []tagItem

type tagItem struct {
	key, val string
	hasVal   bool
}

// parseTag splits a relstore tag. Empty items are skipped; a key may appear
// once.
func parseTag(s string) (tag, error) {
	var items tag
	var cur strings.Builder
	var parts []string
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && (s[i+1] == ',' || s[i+1] == '\\'):
			cur.WriteByte(s[i+1])
			i++
		case c == ',':
			parts = append(parts, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	parts = append(parts, cur.String())
	seen := map[string]bool{}
	for _, p := range parts {
		if strings.TrimSpace(p) == "" {
			continue
		}
		it := tagItem{key: strings.TrimSpace(p)}
		if k, v, ok := strings.Cut(p, "="); ok {
			it = tagItem{key: strings.TrimSpace(k), val: v, hasVal: true}
		}
		if it.key == "" {
			return nil, fmt.Errorf("item %q has no key", p)
		}
		if seen[it.key] {
			return nil, fmt.Errorf("key %q appears twice", it.key)
		}
		seen[it.key] = true
		items = append(items, it)
	}
	return items, nil
}

// get returns the value of key and whether the key is present.
func (t tag) get(key string) (string, bool) {
	for _, it := range t {
		if it.key == key {
			return it.val, true
		}
	}
	return "", false
}

// has reports whether key is present.
func (t tag) has(key string) bool {
	_, ok := t.get(key)
	return ok
}
