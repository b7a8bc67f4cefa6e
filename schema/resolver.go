package schema

import (
	"fmt"
	"sort"
	"strings"
)

// Built-in LoopBack 3 bases relstore understands.
const (
	basePersistedModel = "PersistedModel"
	baseModel          = "Model"
	baseKeyValueModel  = "KeyValueModel"
)

// authModels are LoopBack 3's built-in models (authentication, replication,
// mail), keyed lower-case; relstore refuses them as bases.
var authModels = map[string]bool{
	"user": true, "accesstoken": true, "acl": true, "role": true,
	"rolemapping": true, "application": true, "email": true, "change": true,
	"checkpoint": true, "scope": true,
}

// resolver turns a Loader's definitions into a Set (one Resolve call).
type resolver struct {
	l   *Loader
	set *Set

	merged    map[string]*mergedDef
	visiting  map[string]bool
	fkIndexes []indexRequest // single-field FK indexes to ensure
	thIndexes []indexRequest // compound through indexes to ensure
	ensureBT  []ensureBelongsTo
}

// mergedDef is a definition with its bases merged in.
type mergedDef struct {
	def       *definition
	base      string // canonical name of the direct base
	persisted bool
}

// indexRequest asks for an index on model over fields.
type indexRequest struct {
	model  *Model
	name   string
	fields []string
}

// ensureBelongsTo asks for a belongsTo relation on a through model unless
// one of that name exists (hasAndBelongsToMany).
type ensureBelongsTo struct {
	through *Model
	rel     *Relation
}

func newResolver(l *Loader) *resolver {
	return &resolver{
		l:        l,
		set:      &Set{Models: make(map[string]*Model)},
		merged:   make(map[string]*mergedDef),
		visiting: make(map[string]bool),
	}
}

func (r *resolver) resolve() (*Set, error) {
	for _, d := range r.l.defs {
		md, err := r.merge(d)
		if err != nil {
			return nil, err
		}
		m, err := r.build(md)
		if err != nil {
			return nil, err
		}
		r.set.Models[m.Name] = m
		r.set.Order = append(r.set.Order, m.Name)
	}
	for _, m := range r.set.Sorted() {
		for _, p := range m.Properties {
			if err := r.resolveType(m, p.Name, &p.Type); err != nil {
				return nil, err
			}
		}
	}
	if err := r.relations(); err != nil {
		return nil, err
	}
	r.ensureIndexes()
	for _, m := range r.set.Sorted() {
		r.checkIndexFields(m)
	}
	return r.set, nil
}

// lookupDef finds a definition by exact name, then case-insensitively when
// that is unambiguous.
func (r *resolver) lookupDef(name string) *definition {
	if d := r.l.byName[name]; d != nil {
		return d
	}
	var found *definition
	for _, d := range r.l.defs {
		if strings.EqualFold(d.name, name) {
			if found != nil {
				return nil
			}
			found = d
		}
	}
	return found
}

// lookupModel finds a resolved model by exact name, then case-insensitively
// when that is unambiguous (LB3's lookupModel).
func (r *resolver) lookupModel(name string) *Model {
	return r.set.Lookup(name)
}

// merge returns d with its base chain merged in (memoized).
func (r *resolver) merge(d *definition) (*mergedDef, error) {
	if md := r.merged[d.name]; md != nil {
		return md, nil
	}
	if r.visiting[d.name] {
		return nil, modelErr(ErrBaseCycle, d.name, "the model is its own base (through %q)", d.base)
	}
	baseName := d.base
	if baseName == "" {
		baseName = basePersistedModel
	}
	var md *mergedDef
	if b := r.lookupBase(baseName, d); b != nil {
		r.visiting[d.name] = true
		bm, err := r.merge(b)
		delete(r.visiting, d.name)
		if err != nil {
			return nil, err
		}
		md = &mergedDef{def: mergeDefinitions(bm.def, d), base: b.name, persisted: bm.persisted}
	} else {
		md = &mergedDef{def: mergeDefinitions(nil, d)}
		switch strings.ToLower(baseName) {
		case "persistedmodel":
			md.base, md.persisted = basePersistedModel, true
		case "model":
			md.base = baseModel
		case "keyvaluemodel":
			md.base = baseKeyValueModel
			r.l.warn(d.name, "base KeyValueModel: the key-value API is not supported; the model is not persisted")
		default:
			if authModels[strings.ToLower(baseName)] {
				return nil, modelErr(ErrUnsupportedBase, d.name,
					"base %q: authentication/built-in models are not supported; define your own model instead", baseName)
			}
			if baseName == d.name {
				return nil, modelErr(ErrBaseCycle, d.name, "the model is its own base")
			}
			return nil, modelErr(ErrUndefinedModel, d.name, "base model %q is not defined", baseName)
		}
	}
	r.merged[d.name] = md
	return md, nil
}

// lookupBase finds a user-defined base: an exact name wins over the
// built-ins (a user model may be called "User"), the built-ins win over a
// case-insensitive match.
func (r *resolver) lookupBase(name string, child *definition) *definition {
	if d := r.l.byName[name]; d != nil {
		if d == child {
			return nil
		}
		return d
	}
	switch strings.ToLower(name) {
	case "persistedmodel", "model", "keyvaluemodel":
		return nil
	}
	if authModels[strings.ToLower(name)] {
		return nil
	}
	if d := r.lookupDef(name); d != nil && d != child {
		return d
	}
	return nil
}

// mergeDefinitions merges child over base with LoopBack 3's legacy merge
// policy: properties patched (base order first; an overridden property
// keeps the base position; null/false removes; excludeBaseProperties
// removes; a child that declares an id does not inherit the base ids),
// hidden/protected unioned, relations, indexes, scopes and settings patched
// by name, scope and the scalar settings replaced when the child sets them.
// name, plural and http.path are never inherited. base may be nil (root).
func mergeDefinitions(base, child *definition) *definition {
	out := &definition{
		name:      child.name,
		plural:    child.plural,
		base:      child.base,
		httpPath:  child.httpPath,
		anonymous: child.anonymous,
	}
	if base == nil {
		base = &definition{}
	}
	out.idInjection = pick(child.idInjection, base.idInjection)
	out.forceID = pick(child.forceID, base.forceID)
	out.strict = pick(child.strict, base.strict)
	out.hidden = appendUnique(appendUnique(nil, base.hidden...), child.hidden...)
	out.protected = appendUnique(appendUnique(nil, base.protected...), child.protected...)

	childHasID := false
	for _, pd := range child.props {
		if pd.prop != nil && pd.prop.ID > 0 {
			childHasID = true
		}
	}
	for _, pd := range base.props {
		if contains(child.exclude, pd.name) || (childHasID && pd.prop.ID > 0) {
			continue
		}
		out.props = append(out.props, pd)
	}
	for _, pd := range child.props {
		i := indexOfProp(out.props, pd.name)
		switch {
		case pd.prop == nil && i >= 0:
			out.props = append(out.props[:i:i], out.props[i+1:]...)
		case pd.prop == nil:
		case i >= 0:
			out.props[i] = pd
		default:
			out.props = append(out.props, pd)
		}
	}

	out.relations = patchRelations(base.relations, child.relations)
	out.indexes = patchIndexes(base.indexes, child.indexes)
	if child.scopeSet {
		out.scope, out.scopeSet = child.scope, true
	} else {
		out.scope, out.scopeSet = base.scope, base.scopeSet
	}
	out.scopes = patchMap(base.scopes, child.scopes)
	out.settings = patchMap(base.settings, child.settings)
	return out
}

func pick[T any](child, base *T) *T {
	if child != nil {
		return child
	}
	return base
}

func indexOfProp(props []propDef, name string) int {
	for i, pd := range props {
		if pd.name == name {
			return i
		}
	}
	return -1
}

func patchRelations(base, child []relDef) []relDef {
	var out []relDef
	for _, rd := range base {
		out = append(out, rd)
	}
	for _, rd := range child {
		i := -1
		for j, x := range out {
			if x.name == rd.name {
				i = j
			}
		}
		switch {
		case rd.raw == nil && i >= 0:
			out = append(out[:i:i], out[i+1:]...)
		case rd.raw == nil:
		case i >= 0:
			out[i] = rd
		default:
			out = append(out, rd)
		}
	}
	return out
}

func patchIndexes(base, child []indexDef) []indexDef {
	var out []indexDef
	for _, id := range base {
		out = append(out, id)
	}
	for _, id := range child {
		i := -1
		for j, x := range out {
			if x.name == id.name {
				i = j
			}
		}
		switch {
		case id.index == nil && i >= 0:
			out = append(out[:i:i], out[i+1:]...)
		case id.index == nil:
		case i >= 0:
			out[i] = id
		default:
			out = append(out, id)
		}
	}
	return out
}

// patchMap overlays child on base; a nil value in child removes the key.
func patchMap(base, child map[string]any) map[string]any {
	out := make(map[string]any)
	for k, v := range base {
		if v != nil {
			out[k] = v
		}
	}
	for k, v := range child {
		if v == nil {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// build makes the Model of a merged definition: properties copied, ids
// numbered, id injected, defaults applied, declared and property indexes.
func (r *resolver) build(md *mergedDef) (*Model, error) {
	d := md.def
	m := &Model{
		Name:        d.name,
		Plural:      d.plural,
		Base:        md.base,
		Persisted:   md.persisted,
		IDInjection: true,
		Strict:      StrictFalse,
		Hidden:      append([]string(nil), d.hidden...),
		Protected:   append([]string(nil), d.protected...),
		HTTPPath:    d.httpPath,
	}
	m.Scope, _ = cloneJSON(d.scope).(map[string]any)
	m.Scopes, _ = cloneJSON(d.scopes).(map[string]any)
	m.Settings, _ = cloneJSON(d.settings).(map[string]any)
	if m.Plural == "" {
		m.Plural = Pluralize(m.Name)
	}
	if d.idInjection != nil {
		m.IDInjection = *d.idInjection
	}
	if d.strict != nil {
		m.Strict = *d.strict
	}
	if d.anonymous {
		f := false
		m.Public = &f
	}
	for _, pd := range d.props {
		m.Properties = append(m.Properties, copyProperty(pd.prop))
	}
	numberIDs(m)
	if len(m.IDProperties()) == 0 && m.IDInjection {
		if p := m.Property("id"); p != nil {
			// A declared "id" without id: true becomes the id (keeping its type).
			p.ID = 1
			p.Generated = p.Type.Kind == KindNumber
		} else {
			id := &Property{Name: "id", Type: Type{Kind: KindNumber}, ID: 1, Generated: true}
			m.Properties = append([]*Property{id}, m.Properties...)
		}
	}
	ids := m.IDProperties()
	if len(ids) == 0 && m.Persisted {
		return nil, modelErr(ErrMissingID, m.Name,
			"a persisted model needs an id: set \"id\": true on a property or leave idInjection on")
	}
	if d.forceID != nil {
		m.ForceID = *d.forceID
	} else if len(ids) > 0 {
		m.ForceID = ids[0].Generated
	}
	for _, p := range m.Properties {
		if p.Hidden {
			m.Hidden = appendUnique(m.Hidden, p.Name)
		}
		if p.Protected {
			m.Protected = appendUnique(m.Protected, p.Name)
		}
	}
	for _, id := range d.indexes {
		x := *id.index
		x.Fields = append([]string(nil), x.Fields...)
		m.Indexes = append(m.Indexes, &x)
	}
	for _, p := range m.Properties {
		if p.Index || p.Unique {
			addPropertyIndex(m, p)
		}
	}
	return m, nil
}

// numberIDs renumbers id positions 1..n in (position, declaration) order.
func numberIDs(m *Model) {
	var ids []*Property
	for _, p := range m.Properties {
		if p.ID > 0 {
			ids = append(ids, p)
		}
	}
	sort.SliceStable(ids, func(i, j int) bool { return ids[i].ID < ids[j].ID })
	for i, p := range ids {
		p.ID = i + 1
	}
}

// addPropertyIndex adds the single-field index of a property declared with
// "index" or "unique", named "<property>_idx", unless an index on exactly
// that field (at least as unique) exists.
func addPropertyIndex(m *Model, p *Property) {
	for _, x := range m.Indexes {
		if len(x.Fields) == 1 && x.Fields[0] == p.Name && (x.Unique || !p.Unique) {
			return
		}
	}
	m.Indexes = append(m.Indexes, &Index{Name: freeIndexName(m, p.Name+"_idx"), Fields: []string{p.Name}, Unique: p.Unique})
}

// freeIndexName returns name, or name_2, name_3... when taken on m.
func freeIndexName(m *Model, name string) string {
	taken := func(n string) bool {
		for _, x := range m.Indexes {
			if x.Name == n {
				return true
			}
		}
		return false
	}
	if !taken(name) {
		return name
	}
	for i := 2; ; i++ {
		if n := fmt.Sprintf("%s_%d", name, i); !taken(n) {
			return n
		}
	}
}

// checkIndexFields warns about indexes over properties the model does not
// declare (allowed: a strict:false model may index dynamic properties).
func (r *resolver) checkIndexFields(m *Model) {
	for _, x := range m.Indexes {
		for _, f := range x.Fields {
			root, _, _ := strings.Cut(f, ".")
			if m.Property(root) == nil {
				r.l.warn(m.Name, fmt.Sprintf("index %q: %q is not a declared property", x.Name, f))
			}
		}
	}
}

// resolveType checks that model-name types refer to defined models and
// normalizes their spelling.
func (r *resolver) resolveType(m *Model, prop string, t *Type) error {
	switch t.Kind {
	case KindArray:
		if t.Item != nil {
			return r.resolveType(m, prop, t.Item)
		}
	case KindModel:
		target := r.lookupModel(t.Model)
		if target == nil {
			return propErr(ErrUnknownType, m.Name, prop, "unknown type %q (neither a built-in type nor a defined model)", t.Model)
		}
		t.Model = target.Name
	}
	return nil
}

// copyProperty deep-copies a parsed property so that resolving never
// changes the Loader's definitions.
func copyProperty(p *Property) *Property {
	c := *p
	c.Type = copyType(p.Type)
	c.Default = cloneJSON(p.Default)
	if p.JSONSchema != nil {
		js := *p.JSONSchema
		c.JSONSchema = &js
	}
	return &c
}

func copyType(t Type) Type {
	if t.Item != nil {
		item := copyType(*t.Item)
		t.Item = &item
	}
	return t
}

// cloneJSON deep-copies a decoded JSON value (maps and slices); a nil map
// or slice stays nil.
func cloneJSON(v any) any {
	switch v := v.(type) {
	case map[string]any:
		if v == nil {
			return v
		}
		c := make(map[string]any, len(v))
		for k, x := range v {
			c[k] = cloneJSON(x)
		}
		return c
	case []any:
		if v == nil {
			return v
		}
		c := make([]any, len(v))
		for i, x := range v {
			c[i] = cloneJSON(x)
		}
		return c
	}
	return v
}
