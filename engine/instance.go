package engine

import (
	"bytes"
	"fmt"
	"maps"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/relstore/relstore/internal/keyenc"
	"github.com/relstore/relstore/schema"
)

// buildMode says how an instance is built from client data.
type buildMode int

const (
	buildCreate     buildMode = iota // defaults, defaultFns, scope properties
	buildReplace                     // defaults, but "now" defaultFns keep the old value
	buildPatch                       // only the given properties
	buildNoDefaults                  // upsertWithWhere's create path: LoopBack applies no defaults
)

// coerceInput converts client data by the model's declared types and strict
// mode. Relation names are dropped (LoopBack treats them as cached related
// objects, never stored). Failures are added to verr.
func (tx *Tx) coerceInput(ms *modelState, data map[string]any, verr *ValidationError) map[string]any {
	// The hint keeps records of up to 8 properties in Go's small-map form
	// (one group): stored records are cloned on every read, and a small
	// map clones with one copy.
	rec := make(map[string]any, max(len(data), len(ms.m.Properties)))
	tx.coerceInto(ms, data, verr, rec)
	return rec
}

// coerceInto is coerceInput writing the converted data into rec, which
// keeps what data does not replace.
func (tx *Tx) coerceInto(ms *modelState, data map[string]any, verr *ValidationError, rec map[string]any) {
	m := ms.m
	for k, v := range data {
		if p := m.Property(k); p != nil {
			c, terr := coerceValue(tx.st.set, p.Type, v)
			if terr != nil {
				verr.Add(k, terr.code, terr.msg, v)
				continue
			}
			rec[k] = c
			continue
		}
		if m.Relation(k) != nil {
			continue
		}
		switch m.Strict {
		case schema.StrictTrue:
			verr.Add(k, "unknown-property", "is not defined in the model", undefinedValue{})
		case schema.StrictFilter:
		default:
			if strings.Contains(k, ".") {
				verr.Add(k, "invalid-name", "is not a valid property name: property names containing dot(s) are not supported", undefinedValue{})
				continue
			}
			rec[k] = v
		}
	}
}

// applyDefaults fills undefined declared properties from default and
// defaultFn. old is the record being replaced (nil on create).
func applyDefaults(set *schema.Set, m *schema.Model, rec map[string]any, mode buildMode, old map[string]any) {
	now := time.Now().UTC().Truncate(time.Millisecond)
	for _, p := range m.Properties {
		if _, present := rec[p.Name]; present {
			continue
		}
		if p.DefaultFn != "" {
			switch p.DefaultFn {
			case "now":
				if mode == buildReplace && old != nil {
					if v, ok := old[p.Name]; ok {
						rec[p.Name] = v
					}
					continue
				}
				rec[p.Name] = now
			case "guid", "uuid", "uuidv4", "shortid", "nanoid":
				if mode == buildReplace && old != nil {
					if v, ok := old[p.Name]; ok {
						rec[p.Name] = v
						continue
					}
				}
				rec[p.Name] = newID(p.DefaultFn)
			}
			continue
		}
		if p.Default != nil {
			if s, ok := p.Default.(string); ok && s == "$now" && p.Type.Kind == schema.KindDate {
				rec[p.Name] = now
				continue
			}
			if c, terr := coerceValue(set, p.Type, cloneJSON(p.Default)); terr == nil {
				rec[p.Name] = c
			}
		}
	}
}

// validate checks a complete instance: required properties, jsonSchema
// constraints. data is the client's input (for "can't be set" on ids).
func validate(verr *ValidationError, ms *modelState, rec map[string]any, data map[string]any, create bool) {
	m := ms.m
	for _, p := range m.Properties {
		if _, failed := verr.Codes[p.Name]; failed {
			continue
		}
		v, present := rec[p.Name]
		if create && p.ID > 0 && p.Generated && m.ForceID {
			if dv, given := data[p.Name]; given && dv != nil {
				verr.Add(p.Name, "absence", "can't be set", dv)
				continue
			}
		}
		if p.Required && blank(v, present) && !(p.ID > 0 && p.Generated) {
			shown := any(undefinedValue{})
			if present {
				shown = v
			}
			verr.Add(p.Name, "presence", "can't be blank", shown)
			continue
		}
		if present {
			checkJSONSchema(verr, p, v)
		}
	}
}

// idOf returns the record's id value(s) and whether every id is present.
func (ms *modelState) idOf(rec map[string]any) ([]any, bool) {
	vals := make([]any, len(ms.idProps))
	for i, p := range ms.idProps {
		v := rec[p.Name]
		if v == nil {
			return nil, false
		}
		vals[i] = v
	}
	return vals, len(vals) > 0
}

// encodePK encodes id values into the primary-key part of a record key.
func encodePK(vals []any) ([]byte, error) {
	var b []byte
	for _, v := range vals {
		var err error
		if b, err = keyenc.AppendValue(b, v); err != nil {
			return nil, &Error{Kind: ErrBadRequest, Status: 400, Code: "INVALID_ID",
				Message: fmt.Sprintf("%s is not a valid id: an id must be a string, a number, a boolean or a date", jsonString(v))}
		}
	}
	return b, nil
}

// coerceID converts an id given by a client (a path segment, a JSON value)
// to the id property's type. ok is false when it cannot denote any record.
func (ms *modelState) coerceID(v any) (any, bool) {
	if len(ms.idProps) == 0 {
		return nil, false
	}
	p := ms.idProps[0]
	switch p.Type.Kind {
	case schema.KindNumber:
		// The id comes back boxed: the caller's box when it is a number
		// already, a shared one for a small integral id (boxNumber).
		switch x := v.(type) {
		case float64:
			return v, !math.IsNaN(x)
		case int:
			return boxNumber(float64(x)), true
		case int64:
			return boxNumber(float64(x)), true
		case string:
			s := strings.TrimSpace(x)
			f, err := strconv.ParseFloat(s, 64)
			if err != nil || s == "" || math.IsNaN(f) || math.IsInf(f, 0) {
				return nil, false
			}
			return boxNumber(f), true
		}
		return nil, false
	case schema.KindString:
		switch x := v.(type) {
		case string:
			return x, true
		case float64:
			return formatNumber(x), true
		case int:
			return strconv.Itoa(x), true
		}
		return nil, false
	default:
		c, terr := coerceValue(nil, p.Type, v)
		if terr != nil || c == nil {
			return nil, false
		}
		return c, true
	}
}

// pkFromID coerces and encodes a client id.
func (ms *modelState) pkFromID(id any) (any, []byte, bool) {
	v, ok := ms.coerceID(id)
	if !ok {
		return nil, nil, false
	}
	pk, err := encodePK([]any{v})
	if err != nil {
		return nil, nil, false
	}
	return v, pk, true
}

// idString renders an id as LoopBack prints it in messages.
func idString(id any) string {
	switch x := id.(type) {
	case nil:
		return "undefined"
	case string:
		return x
	case float64:
		return formatNumber(x)
	}
	return fmt.Sprint(id)
}

// output prepares a stored record for a caller: a new top-level map
// without hidden properties (and without protected ones when nested inside
// an include). Nested objects, arrays and buffers are shared with the
// store, read-only (see api.go).
func output(m *schema.Model, rec map[string]any, nested bool) map[string]any {
	hide := len(m.Hidden) > 0 || (nested && len(m.Protected) > 0)
	if !hide && rec != nil {
		return maps.Clone(rec) // copies the map's memory: far cheaper than a range
	}
	out := make(map[string]any, len(rec))
	for k, v := range rec {
		if hide && (m.IsHidden(k) || (nested && m.IsProtected(k))) {
			continue
		}
		out[k] = v
	}
	return out
}

// CloneValue deep-copies a record value: objects (map[string]any), arrays
// ([]any, []map[string]any, kept as their type) and buffers ([]byte);
// other values are returned as they are. Records and their nested values
// handed out by the engine are read-only: copy one with CloneValue before
// changing it.
func CloneValue(v any) any { return cloneJSON(v) }

// cloneJSON deep-copies record values (see CloneValue).
func cloneJSON(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = cloneJSON(e)
		}
		return m
	case []any:
		a := make([]any, len(x))
		for i, e := range x {
			a[i] = cloneJSON(e)
		}
		return a
	case []map[string]any:
		a := make([]map[string]any, len(x))
		for i, e := range x {
			a[i] = cloneJSON(e).(map[string]any)
		}
		return a
	case []byte:
		return bytes.Clone(x)
	}
	return v
}

// copyRecord returns a shallow copy of rec (a new empty map for nil), made
// by copying the map's memory: far cheaper than inserting its entries.
func copyRecord(rec map[string]any) map[string]any {
	if rec == nil {
		return map[string]any{}
	}
	return maps.Clone(rec)
}

// sameValue compares two normalized values for id-change checks.
func sameValue(a, b any) bool {
	if ta, ok := a.(time.Time); ok {
		tb, ok := b.(time.Time)
		return ok && ta.Equal(tb)
	}
	return keyenc.Compare(a, b) == 0
}

// validateRelations checks what relations store inside a record, as
// LoopBack's relation validators do: embedded items are valid instances of
// their model (required properties present) with unique ids, and a
// referencesMany id array has no duplicates.
func (tx *Tx) validateRelations(verr *ValidationError, ms *modelState, rec map[string]any) {
	for _, rel := range ms.m.Relations {
		switch rel.Type {
		case schema.RelEmbedsOne:
			item, ok := rec[rel.Property].(map[string]any)
			if !ok {
				continue
			}
			if why := tx.embeddedProblem(rel.Model, item); why != "" {
				verr.Add(rel.Property, "invalid", "is invalid: "+why, item)
			}
		case schema.RelEmbedsMany:
			items, ok := rec[rel.Property].([]any)
			if !ok {
				continue
			}
			idName := "id"
			if em := tx.st.set.Model(rel.Model); em != nil && em.IDName() != "" {
				idName = em.IDName()
			}
			seen := map[string]bool{}
			for _, el := range items {
				item, ok := el.(map[string]any)
				if !ok {
					verr.Add(rel.Property, "invalid", "contains an item that is not an object", el)
					break
				}
				if id, has := item[idName]; has && id != nil {
					k := idString(id)
					if seen[k] {
						verr.Add(rel.Property, "uniqueness", fmt.Sprintf("contains duplicate `%s`", idName), k)
						break
					}
					seen[k] = true
				}
				if why := tx.embeddedProblem(rel.Model, item); why != "" {
					verr.Add(rel.Property, "invalid", fmt.Sprintf("contains invalid item: `%s` (%s)", idString(item[idName]), why), item)
					break
				}
			}
		case schema.RelReferencesMany:
			ids, ok := rec[rel.ForeignKey].([]any)
			if !ok {
				continue
			}
			seen := map[string]bool{}
			for _, id := range ids {
				k, ok := valueKey(id)
				if ok && seen[k] {
					verr.Add(rel.Name, "uniqueness", fmt.Sprintf("contains duplicate `%s` instance", rel.Model), ids)
					break
				}
				seen[k] = true
			}
		}
	}
}

// embeddedProblem describes why item is not a valid instance of the
// embedded model, or "".
func (tx *Tx) embeddedProblem(model string, item map[string]any) string {
	em := tx.st.set.Model(model)
	if em == nil {
		return ""
	}
	var probs []string
	for _, p := range em.Properties {
		if p.ID > 0 && p.Generated {
			continue
		}
		v, present := item[p.Name]
		if p.Required && blank(v, present) {
			probs = append(probs, fmt.Sprintf("`%s` can't be blank", p.Name))
		}
	}
	return strings.Join(probs, "; ")
}
