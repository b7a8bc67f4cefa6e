package filter

import (
	"sort"
	"strings"

	"github.com/relstore/relstore/schema"
)

// Fields is a parsed fields projection: an include-list (only the named
// properties are kept) or an exclude-list (the model's declared properties
// except the named ones). Hidden properties are never kept. A nil *Fields
// keeps everything. Fields is immutable and safe for concurrent use.
type Fields struct {
	include  []string        // include-list, in the order given; nil in exclude form
	exclude  map[string]bool // exclude-list
	declared map[string]bool // exclude form: the model's declared properties
	hidden   map[string]bool
}

// Keep reports whether the projection keeps the property name. In exclude
// form only declared properties are kept, as in LoopBack (its fieldsToArray
// starts from the declared property list), so dynamic properties are
// dropped.
func (f *Fields) Keep(name string) bool {
	if f == nil {
		return true
	}
	if f.hidden[name] {
		return false
	}
	if f.include != nil {
		return contains(f.include, name)
	}
	return f.declared[name] && !f.exclude[name]
}

// Apply returns a new map holding the kept properties of rec (values are
// shared, not copied). Properties rec does not have stay absent. A nil
// *Fields returns a shallow copy of rec.
func (f *Fields) Apply(rec map[string]any) map[string]any {
	out := make(map[string]any, len(rec))
	if f != nil && f.include != nil {
		for _, name := range f.include {
			if v, ok := rec[name]; ok && !f.hidden[name] {
				out[name] = v
			}
		}
		return out
	}
	for k, v := range rec {
		if f.Keep(k) {
			out[k] = v
		}
	}
	return out
}

// Names returns the include-list in the order given (hidden names left
// out), or nil for the exclude form and for a nil *Fields. The slice is
// the caller's.
func (f *Fields) Names() []string {
	if f == nil || f.include == nil {
		return nil
	}
	out := make([]string, 0, len(f.include))
	for _, n := range f.include {
		if !f.hidden[n] {
			out = append(out, n)
		}
	}
	return out
}

// Excluded returns the exclude-list sorted, or nil for the include form.
func (f *Fields) Excluded() []string {
	if f == nil || f.include != nil {
		return nil
	}
	out := make([]string, 0, len(f.exclude))
	for n := range f.exclude {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// String renders "name,age" (include form) or "-email,-joined" (exclude
// form).
func (f *Fields) String() string {
	if f == nil {
		return "*"
	}
	if f.include != nil {
		return strings.Join(f.include, ",")
	}
	ex := f.Excluded()
	for i, n := range ex {
		ex[i] = "-" + n
	}
	return strings.Join(ex, ",")
}

// parseFields reads LoopBack's fields forms: ["a","b"], "a", {a: true}
// (include-list: every key with a truthy value, so the query-string value
// "false" keeps the field, as in LoopBack), {a: false} (exclude-list, when
// no value is truthy). [], {}, "", null and false keep everything. Names
// must be properties (or relations) of the model unless the model is not
// strict; hidden names are accepted and never kept.
func parseFields(raw any, m *schema.Model, loc string) (*Fields, error) {
	if !truthy(raw) {
		return nil, nil
	}
	type entry struct{ name, at string }
	var included, excluded []entry
	switch x := raw.(type) {
	case string:
		included = []entry{{x, loc}}
	case []any:
		for i, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, errorf(CodeInvalidFields, indexPath(loc, i), "The fields entry %s is not valid: expected a property name", jsonString(e))
			}
			included = append(included, entry{s, indexPath(loc, i)})
		}
	case map[string]any:
		for _, k := range sortedKeys(x) {
			if truthy(x[k]) {
				included = append(included, entry{k, joinPath(loc, k)})
			} else {
				excluded = append(excluded, entry{k, joinPath(loc, k)})
			}
		}
	default:
		return nil, errorf(CodeInvalidFields, loc, "The fields %s is not valid", jsonString(raw))
	}
	if len(included) == 0 && len(excluded) == 0 {
		return nil, nil
	}
	f := &Fields{hidden: map[string]bool{}}
	for _, n := range m.Hidden {
		f.hidden[n] = true
	}
	for _, p := range m.Properties {
		if p.Hidden {
			f.hidden[p.Name] = true
		}
	}
	check := func(e entry) error {
		switch {
		case e.name == "":
			return errorf(CodeInvalidFields, e.at, "The fields entry \"\" is not valid: expected a property name")
		case strings.Contains(e.name, "."):
			return errorf(CodeUnknownPath, e.at, "The fields entry %q is not valid: fields takes property names, not paths", e.name)
		case f.hidden[e.name], propertyOf(m, e.name) != nil, relationOf(m, e.name) != nil, !isStrict(m):
			return nil
		}
		return errorf(CodeUnknownPath, e.at, "The fields entry %q is not a property of %s", e.name, m.Name)
	}
	if len(included) > 0 {
		// Mixed forms: only the truthy keys count (LoopBack); the falsy ones
		// are still checked.
		f.include = []string{}
		for _, e := range append(included, excluded...) {
			if err := check(e); err != nil {
				return nil, err
			}
		}
		for _, e := range included {
			if !contains(f.include, e.name) {
				f.include = append(f.include, e.name)
			}
		}
		return f, nil
	}
	f.exclude = map[string]bool{}
	f.declared = map[string]bool{}
	for _, p := range m.Properties {
		f.declared[p.Name] = true
	}
	for _, e := range excluded {
		if err := check(e); err != nil {
			return nil, err
		}
		f.exclude[e.name] = true
	}
	return f, nil
}
