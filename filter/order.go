package filter

import (
	"bytes"
	"math"
	"regexp"
	"strings"
	"time"

	"github.com/relstore/relstore/schema"
)

// OrderKey is one sort key of a filter's order.
//
// Path is a property path of the model the key ends on: the model itself
// when Relation is empty, else the target of the last relation hop. Relation
// lists the hops of a relation path ("customer.name ASC" has Relation
// [customer] and Path ["name"]). To-one hops sort a record by its related
// record's value (no related record: null); a to-many hop is allowed too and
// the engine sorts by the smallest related value ascending and the largest
// descending (no related record: null).
type OrderKey struct {
	Path     []string
	Desc     bool
	Relation []*schema.Relation
}

// String renders "customer.name DESC" / "age ASC".
func (k OrderKey) String() string {
	segs := make([]string, 0, len(k.Relation)+len(k.Path))
	for _, r := range k.Relation {
		segs = append(segs, r.Name)
	}
	segs = append(segs, k.Path...)
	dir := " ASC"
	if k.Desc {
		dir = " DESC"
	}
	return strings.Join(segs, ".") + dir
}

var orderComma = regexp.MustCompile(`(?:\s*,\s*)+`)

// order parses LoopBack's order: a string "a ASC, b DESC" (split on commas,
// direction case-insensitive, ASC by default) or an array of such strings.
// Unlike LoopBack, unknown paths are refused (UNKNOWN_PATH) and so are
// entries with words after the direction.
func (p *parser) order(raw any, m *schema.Model, loc string) ([]OrderKey, error) {
	if !truthy(raw) {
		return nil, nil
	}
	entries, isList := raw.([]any)
	if !isList {
		entries = []any{raw}
	}
	var keys []OrderKey
	for i, e := range entries {
		at := loc
		if isList {
			at = indexPath(loc, i)
		}
		s, ok := e.(string)
		if !ok {
			return nil, errorf(CodeInvalidOrder, at, "The order %s is not valid", jsonString(e))
		}
		for _, token := range orderComma.Split(s, -1) {
			token = strings.TrimSpace(token)
			if token == "" {
				continue
			}
			words := strings.Fields(token)
			k := OrderKey{}
			if len(words) >= 2 {
				switch strings.ToUpper(words[1]) {
				case "ASC":
				case "DESC":
					k.Desc = true
				default:
					return nil, errorf(CodeInvalidOrder, at, "The order %s has invalid direction", jsonString(token))
				}
			}
			if len(words) > 2 {
				return nil, errorf(CodeInvalidOrder, at, "The order %s is not valid: expected \"property [ASC|DESC]\"", jsonString(token))
			}
			if err := p.orderPath(m, words[0], at, &k); err != nil {
				return nil, err
			}
			keys = append(keys, k)
		}
	}
	return keys, nil
}

// orderPath resolves the path of an order key into k.Relation and k.Path.
func (p *parser) orderPath(m *schema.Model, key, loc string, k *OrderKey) error {
	segs := strings.Split(key, ".")
	if len(segs) > MaxDepth {
		return errorf(CodeQueryTooDeep, loc, "The order path %q has more than %d segments", key, MaxDepth)
	}
	for _, s := range segs {
		if s == "" {
			return errorf(CodeUnknownPath, loc, "The order path %q has an empty segment", key)
		}
	}
	cur := m
	for {
		name := segs[0]
		if isHidden(cur, name) {
			return errorf(CodeProhibitedProperty, loc, "The property %q of %s is hidden and cannot be used in an order", name, cur.Name)
		}
		if prop := propertyOf(cur, name); prop != nil {
			if _, err := p.nestedType(&prop.Type, segs, loc, key, "order"); err != nil {
				return err
			}
			k.Path = segs
			return nil
		}
		if rel := relationOf(cur, name); rel != nil {
			if isEmbed(rel) {
				prop := rel.Property
				if prop == "" {
					prop = rel.Name
				}
				t := &schema.Type{Kind: schema.KindModel, Model: rel.Model}
				if rel.Type == schema.RelEmbedsMany {
					t = &schema.Type{Kind: schema.KindArray, Item: t}
				}
				segs = append([]string{prop}, segs[1:]...)
				if _, err := p.nestedType(t, segs, loc, key, "order"); err != nil {
					return err
				}
				k.Path = segs
				return nil
			}
			target := p.set.Model(rel.Model)
			if target == nil || (rel.Polymorphic != nil && rel.Type == schema.RelBelongsTo) {
				return errorf(CodeUnknownPath, loc, "The order path %q is unknown: the relation %q of %s has no single target model", key, rel.Name, cur.Name)
			}
			if len(segs) == 1 {
				return errorf(CodeUnknownPath, loc, "The order path %q names the relation %q of %s; order by one of its properties, e.g. %q",
					key, rel.Name, cur.Name, key+"."+idName(target))
			}
			k.Relation = append(k.Relation, rel)
			cur, segs = target, segs[1:]
			continue
		}
		if !isStrict(cur) {
			k.Path = segs
			return nil
		}
		return errorf(CodeUnknownPath, loc, "The order path %q is unknown: %q is not a property or relation of %s", key, name, cur.Name)
	}
}

// lookupPath returns the value at path in rec (objects by key, arrays by
// numeric index) and whether it is present.
func lookupPath(rec map[string]any, path []string) (any, bool) {
	var cur any = rec
	for _, seg := range path {
		switch x := cur.(type) {
		case map[string]any:
			v, ok := x[seg]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			i, ok := arrayIndex(seg)
			if !ok || i >= len(x) {
				return nil, false
			}
			cur = x[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

// CompareRecords compares two records by the plain keys of order (keys with
// Relation hops are skipped: the engine resolves them) and returns -1, 0 or
// +1. Values are compared with CompareValues; Desc reverses a key, so null
// and missing values come first ascending and last descending. Use it with a
// stable sort: ties keep the input order, as in LoopBack.
func CompareRecords(order []OrderKey, a, b map[string]any) int {
	for _, k := range order {
		if len(k.Relation) > 0 {
			continue
		}
		va, _ := lookupPath(a, k.Path)
		vb, _ := lookupPath(b, k.Path)
		c := CompareValues(va, vb)
		if k.Desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

// typeRank orders values of different types: null/missing < boolean <
// number < string < date < buffer < array < object.
func typeRank(v any) int {
	switch v.(type) {
	case nil, undefinedType:
		return 0
	case bool:
		return 1
	case float64:
		return 2
	case string:
		return 3
	case time.Time:
		return 4
	case []byte:
		return 5
	case []any:
		return 6
	case map[string]any:
		return 7
	}
	return 8
}

// CompareValues is the order comparator for one pair of values; it returns
// -1, 0 or +1 and is a total order. null and missing are equal and lowest;
// numbers compare numerically (NaN lowest), strings bytewise (UTF-8 byte
// order, which is JavaScript's code-unit order outside the supplementary
// planes), booleans false < true, dates by instant, buffers bytewise, arrays
// element by element, objects by sorted keys then values; values of
// different types by typeRank (LoopBack compares mixed types with
// JavaScript's < and >, which is not a consistent order).
func CompareValues(a, b any) int {
	a, b = normalizeNumber(a), normalizeNumber(b)
	ra, rb := typeRank(a), typeRank(b)
	if ra != rb {
		return sign(ra - rb)
	}
	switch x := a.(type) {
	case bool:
		y := b.(bool)
		switch {
		case x == y:
			return 0
		case !x:
			return -1
		}
		return 1
	case float64:
		y := b.(float64)
		switch {
		case math.IsNaN(x) || math.IsNaN(y):
			return sign(boolInt(!math.IsNaN(x)) - boolInt(!math.IsNaN(y)))
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	case string:
		return strings.Compare(x, b.(string))
	case time.Time:
		return x.Compare(b.(time.Time))
	case []byte:
		return bytes.Compare(x, b.([]byte))
	case []any:
		y := b.([]any)
		for i := 0; i < len(x) && i < len(y); i++ {
			if c := CompareValues(x[i], y[i]); c != 0 {
				return c
			}
		}
		return sign(len(x) - len(y))
	case map[string]any:
		y := b.(map[string]any)
		kx, ky := sortedKeys(x), sortedKeys(y)
		for i := 0; i < len(kx) && i < len(ky); i++ {
			if c := strings.Compare(kx[i], ky[i]); c != 0 {
				return c
			}
			if c := CompareValues(x[kx[i]], y[ky[i]]); c != 0 {
				return c
			}
		}
		return sign(len(kx) - len(ky))
	}
	return 0
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
