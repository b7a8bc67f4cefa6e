package schema

import (
	"fmt"
	"sort"
	"strings"
)

// relationTypes maps lower-case LB3 relation type names to RelationType.
var relationTypes = map[string]RelationType{
	"belongsto":           RelBelongsTo,
	"hasone":              RelHasOne,
	"hasmany":             RelHasMany,
	"hasandbelongstomany": RelHasAndBelongsToMany,
	"referencesmany":      RelReferencesMany,
	"embedsone":           RelEmbedsOne,
	"embedsmany":          RelEmbedsMany,
}

// onDeleteValues maps lower-case onDelete values to their canonical form.
var onDeleteValues = map[string]string{
	"cascade": "cascade", "restrict": "restrict", "setnull": "setNull", "noaction": "noAction",
}

// Relation keys read by the loader; others are warned about.
var relationKeys = map[string]bool{
	"type": true, "model": true, "foreignKey": true, "primaryKey": true,
	"keyFrom": true, "keyTo": true, "through": true, "keyThrough": true,
	"throughTable": true, "polymorphic": true, "invert": true, "scope": true,
	"properties": true, "options": true, "property": true, "default": true,
	"onDelete": true, "integrity": true, "as": true, "description": true,
}

// relations resolves the declared relations of every model, then adds the
// belongsTo relations hasAndBelongsToMany asks for on through models.
func (r *resolver) relations() error {
	for _, m := range r.set.Sorted() {
		md := r.merged[m.Name]
		if md == nil {
			continue
		}
		for _, rd := range md.def.relations {
			rel, err := r.relation(m, rd.name, rd.raw)
			if err != nil {
				return err
			}
			m.Relations = append(m.Relations, rel)
		}
	}
	for _, e := range r.ensureBT {
		if e.through.Relation(e.rel.Name) == nil {
			e.through.Relations = append(e.through.Relations, e.rel)
		}
	}
	return nil
}

// relReader reads the keys of one raw relation, recording type errors.
type relReader struct {
	model, rel string
	raw        map[string]any
	err        error
}

func (rr *relReader) fail(format string, args ...any) {
	if rr.err == nil {
		rr.err = relErr(ErrInvalidRelation, rr.model, rr.rel, format, args...)
	}
}

// str reads a string key; absent, null and "" all mean "use the default".
func (rr *relReader) str(key string) string {
	switch v := rr.raw[key].(type) {
	case nil:
		return ""
	case string:
		return v
	}
	rr.fail("%q must be a string", key)
	return ""
}

func (rr *relReader) boolean(key string) bool {
	switch v := rr.raw[key].(type) {
	case nil:
		return false
	case bool:
		return v
	}
	rr.fail("%q must be true or false", key)
	return false
}

func (rr *relReader) object(key string) map[string]any {
	switch v := rr.raw[key].(type) {
	case nil:
		return nil
	case map[string]any:
		return v
	}
	rr.fail("%q must be an object", key)
	return nil
}

// polySpec is the "polymorphic" key normalized like juggler's
// polymorphicParams.
type polySpec struct {
	isTrue     bool
	as         string
	foreignKey string
	disc       string
	idType     string
}

func (rr *relReader) polymorphic() *polySpec {
	switch v := rr.raw["polymorphic"].(type) {
	case nil:
		return nil
	case bool:
		if !v {
			return nil
		}
		return &polySpec{isTrue: true}
	case string:
		if v == "" {
			return nil
		}
		return &polySpec{as: v}
	case map[string]any:
		sub := &relReader{model: rr.model, rel: rr.rel, raw: v}
		p := &polySpec{
			as:         sub.str("as"),
			foreignKey: sub.str("foreignKey"),
			disc:       sub.str("discriminator"),
			idType:     sub.str("idType"),
		}
		selector := sub.str("selector")
		if sub.err != nil {
			rr.err = sub.err
			return nil
		}
		switch {
		case p.foreignKey != "" && p.disc == "":
			rr.fail("polymorphic.foreignKey needs polymorphic.discriminator")
		case p.disc != "" && p.foreignKey == "":
			rr.fail("polymorphic.discriminator needs polymorphic.foreignKey")
		case (p.as != "" || selector != "") && p.foreignKey != "":
			rr.fail("polymorphic.as/selector cannot be combined with a custom foreignKey/discriminator")
		}
		if p.as == "" {
			p.as = selector
		}
		return p
	}
	rr.fail("\"polymorphic\" must be true, a selector name or an object")
	return nil
}

// relation resolves one declared relation of m.
func (r *resolver) relation(m *Model, name string, raw map[string]any) (*Relation, error) {
	rr := &relReader{model: m.Name, rel: name, raw: raw}
	if name == "trigger" {
		return nil, relErr(ErrInvalidRelation, m.Name, name, "\"trigger\" is not a valid relation name")
	}
	typeName := rr.str("type")
	if rr.err != nil {
		return nil, rr.err
	}
	typ, ok := relationTypes[strings.ToLower(typeName)]
	if !ok {
		if typeName == "" {
			return nil, relErr(ErrInvalidRelation, m.Name, name, "relation has no \"type\"")
		}
		return nil, relErr(ErrInvalidRelation, m.Name, name,
			"unknown relation type %q (belongsTo, hasOne, hasMany, hasAndBelongsToMany, referencesMany, embedsOne, embedsMany)", typeName)
	}
	rel := &Relation{Name: name, Type: typ}

	keys := relKeys{
		model:        rr.str("model"),
		foreignKey:   rr.str("foreignKey"),
		primaryKey:   rr.str("primaryKey"),
		keyThrough:   rr.str("keyThrough"),
		throughTable: rr.str("throughTable"),
		property:     rr.str("property"),
	}
	keyFrom, keyTo := rr.str("keyFrom"), rr.str("keyTo")
	var throughFrom, throughTo string
	switch v := raw["through"].(type) {
	case nil:
	case string:
		keys.through = v
	case map[string]any:
		sub := &relReader{model: m.Name, rel: name, raw: v}
		keys.through, throughFrom, throughTo = sub.str("model"), sub.str("keyFrom"), sub.str("keyTo")
		if sub.err != nil {
			return nil, sub.err
		}
		if keys.through == "" {
			rr.fail("\"through\" needs a \"model\"")
		}
	default:
		rr.fail("\"through\" must be a model name or {model, keyFrom, keyTo}")
	}
	poly := rr.polymorphic()
	rel.Invert = rr.boolean("invert")
	rel.Scope, _ = cloneJSON(rr.object("scope")).(map[string]any)
	rel.Properties = rr.properties()
	rel.OnDelete, rel.Integrity = rr.deletePolicy()
	r.options(rr, rel)
	if rr.err != nil {
		return nil, rr.err
	}
	for _, k := range sortedKeys(raw) {
		switch {
		case k == "methods" || k == "scopeMethods":
			r.l.warn(m.Name, fmt.Sprintf("relation %q: key %q is not supported; ignored", name, k))
		case !relationKeys[k]:
			r.l.warn(m.Name, fmt.Sprintf("relation %q: unknown key %q ignored", name, k))
		}
	}

	// LoopBack 4 key names.
	synonym := func(lb3 *string, lb3Name, lb4, lb4Name string) error {
		if lb4 == "" {
			return nil
		}
		if *lb3 != "" && *lb3 != lb4 {
			return relErr(ErrInvalidRelation, m.Name, name, "%q (%q) and %q (%q) disagree", lb3Name, *lb3, lb4Name, lb4)
		}
		*lb3 = lb4
		return nil
	}
	var errs []error
	switch typ {
	case RelBelongsTo, RelReferencesMany:
		errs = append(errs, synonym(&keys.foreignKey, "foreignKey", keyFrom, "keyFrom"),
			synonym(&keys.primaryKey, "primaryKey", keyTo, "keyTo"))
	case RelHasOne, RelHasMany, RelHasAndBelongsToMany:
		errs = append(errs, synonym(&keys.primaryKey, "primaryKey", keyFrom, "keyFrom"))
		if keys.through != "" || typ == RelHasAndBelongsToMany {
			keys.targetKey = keyTo
		} else {
			errs = append(errs, synonym(&keys.foreignKey, "foreignKey", keyTo, "keyTo"))
		}
	}
	errs = append(errs, synonym(&keys.foreignKey, "foreignKey", throughFrom, "through.keyFrom"),
		synonym(&keys.keyThrough, "keyThrough", throughTo, "through.keyTo"))
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}

	// Target model (LB3 validateRelation).
	var target *Model
	switch {
	case typ == RelBelongsTo && poly != nil:
		if keys.model != "" {
			return nil, relErr(ErrInvalidRelation, m.Name, name, "a polymorphic belongsTo does not take \"model\"")
		}
	case keys.model == "":
		return nil, relErr(ErrInvalidRelation, m.Name, name, "%s relation needs \"model\"", typ)
	default:
		if target = r.lookupModel(keys.model); target == nil {
			return nil, relErr(ErrUndefinedModel, m.Name, name, "target model %q is not defined", keys.model)
		}
		rel.Model = target.Name
		if !target.Persisted && typ != RelEmbedsOne && typ != RelEmbedsMany {
			r.l.warn(m.Name, fmt.Sprintf("relation %q: target model %q is not persisted; only embedsOne/embedsMany can store it", name, target.Name))
		}
	}
	if keys.through != "" && typ != RelHasMany && typ != RelHasAndBelongsToMany {
		return nil, relErr(ErrInvalidRelation, m.Name, name, "\"through\" is only valid on hasMany and hasAndBelongsToMany")
	}
	if (typ == RelEmbedsOne || typ == RelEmbedsMany) && (rel.OnDelete != "" || rel.Integrity != "") {
		return nil, relErr(ErrInvalidRelation, m.Name, name, "onDelete/integrity do not apply to embedded relations")
	}

	var err error
	switch {
	case typ == RelBelongsTo && poly != nil:
		err = r.polymorphicBelongsTo(m, rel, keys, poly)
	case typ == RelBelongsTo:
		err = r.belongsTo(m, rel, target, keys)
	case typ == RelHasAndBelongsToMany || (typ == RelHasMany && keys.through != ""):
		err = r.through(m, rel, target, keys, poly)
	case typ == RelHasOne || typ == RelHasMany:
		err = r.hasMany(m, rel, target, keys, poly)
	case typ == RelReferencesMany:
		err = r.referencesMany(m, rel, target, keys)
	default:
		err = r.embeds(m, rel, target, keys, raw)
	}
	if err != nil {
		return nil, err
	}
	return rel, nil
}

// relKeys are the key settings of a relation after LB4 synonyms.
type relKeys struct {
	model, foreignKey, primaryKey string
	through, keyThrough           string
	throughTable, property        string
	targetKey                     string // LB4 keyTo of a through relation
}

// properties reads "properties": {src: dst} or [name, ...] (same name on
// both sides).
func (rr *relReader) properties() map[string]string {
	switch v := rr.raw["properties"].(type) {
	case nil:
		return nil
	case map[string]any:
		out := make(map[string]string, len(v))
		for k, x := range v {
			s, ok := x.(string)
			if !ok {
				rr.fail("\"properties\" must map property names to property names")
				return nil
			}
			out[k] = s
		}
		return out
	case []any:
		out := make(map[string]string, len(v))
		for _, x := range v {
			s, ok := x.(string)
			if !ok {
				rr.fail("\"properties\" must list property names")
				return nil
			}
			out[s] = s
		}
		return out
	}
	rr.fail("\"properties\" must be an object or an array")
	return nil
}

// deletePolicy reads relstore's onDelete and integrity (top level, or in
// "options").
func (rr *relReader) deletePolicy() (onDelete, integrity string) {
	opts, _ := rr.raw["options"].(map[string]any)
	get := func(key string) string {
		if v, ok := rr.raw[key]; ok && v != nil {
			return rr.str(key)
		}
		if v, ok := opts[key]; ok && v != nil {
			s, isStr := v.(string)
			if !isStr {
				rr.fail("%q must be a string", key)
			}
			return s
		}
		return ""
	}
	if s := get("onDelete"); s != "" {
		if onDelete = onDeleteValues[strings.ToLower(s)]; onDelete == "" {
			rr.fail("onDelete %q is not one of cascade, restrict, setNull, noAction", s)
		}
	}
	if s := get("integrity"); s != "" {
		switch strings.ToLower(s) {
		case "strict", "weak":
			integrity = strings.ToLower(s)
		default:
			rr.fail("integrity %q is not one of strict, weak", s)
		}
	}
	return onDelete, integrity
}

// options reads the relation "options" object: invertProperties,
// disableInclude, nestRemoting and http.path go to their fields, the rest is
// kept in Relation.Options.
func (r *resolver) options(rr *relReader, rel *Relation) {
	opts := rr.object("options")
	if opts == nil {
		return
	}
	sub := &relReader{model: rr.model, rel: rr.rel, raw: opts}
	rel.InvertProperties = sub.boolean("invertProperties")
	rel.DisableInclude = sub.boolean("disableInclude")
	rel.NestRemoting = sub.boolean("nestRemoting")
	if h := sub.object("http"); h != nil {
		hr := &relReader{model: rr.model, rel: rr.rel, raw: h}
		rel.HTTPPath = cleanPath(hr.str("path"))
		if hr.err != nil {
			sub.err = hr.err
		}
	}
	if sub.err != nil && rr.err == nil {
		rr.err = sub.err
	}
	rest := make(map[string]any)
	for k, v := range opts {
		switch k {
		case "invertProperties", "disableInclude", "nestRemoting", "http", "onDelete", "integrity":
		default:
			rest[k] = cloneJSON(v)
		}
	}
	if len(rest) > 0 {
		rel.Options = rest
	}
}

// keyOf returns the property name of m's key: name itself (which must be a
// property) or, when name is "", m's (first) id.
func keyOf(m *Model, name string) (*Property, string) {
	if name == "" {
		name = m.IDName()
	}
	if name == "" {
		return nil, ""
	}
	return m.Property(name), name
}

// belongsTo: FK on the source (default "<relation>Id"), target key = the
// target's id unless primaryKey names another target property.
func (r *resolver) belongsTo(m *Model, rel *Relation, target *Model, k relKeys) error {
	pk, pkName := keyOf(target, k.primaryKey)
	if pk == nil {
		return missingKey(m, rel, target, k.primaryKey, "primaryKey")
	}
	rel.PrimaryKey = pkName
	rel.ForeignKey = orDefault(k.foreignKey, rel.Name+"Id")
	if err := r.defineKey(m, rel, m, rel.ForeignKey, pk.Type, quoteKey(target.Name, pkName)); err != nil {
		return err
	}
	r.wantFKIndex(m, rel.ForeignKey)
	return nil
}

// polymorphicBelongsTo: the source holds the FK and a discriminator naming
// the target model; FK type = polymorphic.idType or the source's id type.
func (r *resolver) polymorphicBelongsTo(m *Model, rel *Relation, k relKeys, poly *polySpec) error {
	as := poly.as
	if as == "" {
		as = rel.Name
	}
	p := &Polymorphic{
		Selector:      as,
		ForeignKey:    orDefault(poly.foreignKey, camelize(as+"_id", true)),
		Discriminator: orDefault(poly.disc, camelize(as+"_type", true)),
		IDType:        poly.idType,
	}
	if k.foreignKey != "" && k.foreignKey != p.ForeignKey {
		if poly.foreignKey != "" {
			return relErr(ErrInvalidRelation, m.Name, rel.Name, "foreignKey %q and polymorphic.foreignKey %q disagree", k.foreignKey, poly.foreignKey)
		}
		p.ForeignKey = k.foreignKey
	}
	rel.Polymorphic = p
	rel.ForeignKey = p.ForeignKey
	rel.PrimaryKey = orDefault(k.primaryKey, "id")
	var keyType Type
	switch {
	case p.IDType != "":
		kind, ok := builtinTypes[strings.ToLower(p.IDType)]
		if !ok || kind == KindArray {
			return relErr(ErrInvalidRelation, m.Name, rel.Name, "polymorphic.idType %q is not a scalar type", p.IDType)
		}
		keyType = Type{Kind: kind}
	default:
		id, _ := keyOf(m, "")
		if id == nil {
			keyType = Type{Kind: KindAny}
		} else {
			keyType = id.Type
		}
	}
	if err := r.defineKey(m, rel, m, p.ForeignKey, keyType, "the polymorphic target id"); err != nil {
		return err
	}
	if err := r.defineKey(m, rel, m, p.Discriminator, Type{Kind: KindString}, "a model name"); err != nil {
		return err
	}
	r.wantFKIndex(m, p.ForeignKey)
	r.wantFKIndex(m, p.Discriminator)
	return nil
}

// hasMany/hasOne without through: FK on the target (default
// camelCase(<Source>_id)), source key = the source id unless primaryKey.
func (r *resolver) hasMany(m *Model, rel *Relation, target *Model, k relKeys, poly *polySpec) error {
	pk, pkName := keyOf(m, k.primaryKey)
	if pk == nil {
		return missingKey(m, rel, m, k.primaryKey, "primaryKey")
	}
	rel.PrimaryKey = pkName
	rel.ForeignKey = orDefault(k.foreignKey, camelize(m.Name+"_id", true))
	if poly != nil {
		p, err := r.polyParams(m, rel, poly)
		if err != nil {
			return err
		}
		rel.ForeignKey = p.ForeignKey
		if err := r.defineKey(m, rel, target, p.Discriminator, Type{Kind: KindString}, "a model name"); err != nil {
			return err
		}
		r.wantFKIndex(target, p.Discriminator)
	}
	if err := r.defineKey(m, rel, target, rel.ForeignKey, pk.Type, quoteKey(m.Name, pkName)); err != nil {
		return err
	}
	r.wantFKIndex(target, rel.ForeignKey)
	return nil
}

// polyParams normalizes the polymorphic setting of a hasMany/hasOne side
// (juggler polymorphicParams: "as" defaults to "reference").
func (r *resolver) polyParams(m *Model, rel *Relation, poly *polySpec) (*Polymorphic, error) {
	if poly.isTrue {
		return nil, relErr(ErrInvalidRelation, m.Name, rel.Name,
			"polymorphic %s needs a selector name (\"polymorphic\": \"imageable\") or an object", rel.Type)
	}
	as := orDefault(poly.as, "reference")
	p := &Polymorphic{
		Selector:      as,
		ForeignKey:    orDefault(poly.foreignKey, camelize(as+"_id", true)),
		Discriminator: orDefault(poly.disc, camelize(as+"_type", true)),
		IDType:        poly.idType,
	}
	rel.Polymorphic = p
	return p, nil
}

// through resolves hasMany-through and hasAndBelongsToMany: FK on the
// through model pointing at the source (default camelCase(<Source>_id)) and
// keyThrough pointing at the target (default camelCase(<Target>_id)).
func (r *resolver) through(m *Model, rel *Relation, target *Model, k relKeys, poly *polySpec) error {
	pk, pkName := keyOf(m, k.primaryKey)
	if pk == nil {
		return missingKey(m, rel, m, k.primaryKey, "primaryKey")
	}
	tk, tkName := keyOf(target, "")
	if tk == nil {
		return relErr(ErrInvalidRelation, m.Name, rel.Name, "target model %q has no id", target.Name)
	}
	if k.targetKey != "" && k.targetKey != tkName {
		return relErr(ErrInvalidRelation, m.Name, rel.Name, "keyTo %q: a through relation links the target id %q", k.targetKey, tkName)
	}
	rel.PrimaryKey = pkName
	rel.ForeignKey = orDefault(k.foreignKey, camelize(m.Name+"_id", true))
	rel.KeyThrough = orDefault(k.keyThrough, camelize(target.Name+"_id", true))
	if poly != nil {
		p, err := r.polyParams(m, rel, poly)
		if err != nil {
			return err
		}
		if rel.Invert {
			rel.KeyThrough = p.ForeignKey
		} else {
			rel.ForeignKey = p.ForeignKey
		}
	}
	if rel.ForeignKey == rel.KeyThrough {
		return relErr(ErrInvalidRelation, m.Name, rel.Name,
			"foreignKey and keyThrough are both %q; name them apart (e.g. a self relation)", rel.ForeignKey)
	}

	var th *Model
	throughName := k.through
	if rel.Type == RelHasAndBelongsToMany && throughName == "" {
		if poly != nil {
			return relErr(ErrInvalidRelation, m.Name, rel.Name, "polymorphic relations need a through model")
		}
		throughName = k.throughTable
		if throughName == "" {
			if th = r.lookupModel(m.Name + target.Name); th == nil {
				th = r.lookupModel(target.Name + m.Name)
			}
			throughName = m.Name + target.Name
		}
	}
	if th == nil {
		th = r.lookupModel(throughName)
	}
	if th == nil && rel.Type == RelHasAndBelongsToMany && k.through == "" {
		th = r.implicitThrough(throughName)
	}
	if th == nil {
		return relErr(ErrUndefinedModel, m.Name, rel.Name, "through model %q is not defined", throughName)
	}
	rel.Through = th.Name
	if err := r.defineKey(m, rel, th, rel.ForeignKey, pk.Type, quoteKey(m.Name, pkName)); err != nil {
		return err
	}
	if !rel.Invert || poly == nil {
		if err := r.defineKey(m, rel, th, rel.KeyThrough, tk.Type, quoteKey(target.Name, tkName)); err != nil {
			return err
		}
	}
	r.thIndexes = append(r.thIndexes, indexRequest{
		model: th, name: "through_" + rel.ForeignKey + "_" + rel.KeyThrough,
		fields: []string{rel.ForeignKey, rel.KeyThrough},
	})
	r.wantFKIndex(th, rel.KeyThrough)
	if rel.Type == RelHasAndBelongsToMany {
		r.ensureBT = append(r.ensureBT,
			ensureBelongsTo{through: th, rel: &Relation{Name: camelize(m.Name, true), Type: RelBelongsTo,
				Model: m.Name, ForeignKey: rel.ForeignKey, PrimaryKey: pkName}},
			ensureBelongsTo{through: th, rel: &Relation{Name: camelize(target.Name, true), Type: RelBelongsTo,
				Model: target.Name, ForeignKey: rel.KeyThrough, PrimaryKey: tkName}})
	}
	return nil
}

// implicitThrough defines the through model of a hasAndBelongsToMany that
// names none: persisted, injected id, not exposed over REST (Public false).
func (r *resolver) implicitThrough(name string) *Model {
	f := false
	th := &Model{
		Name:        name,
		Plural:      Pluralize(name),
		Base:        basePersistedModel,
		Persisted:   true,
		IDInjection: true,
		ForceID:     true,
		Strict:      StrictFalse,
		Public:      &f,
		Properties:  []*Property{{Name: "id", Type: Type{Kind: KindNumber}, ID: 1, Generated: true}},
	}
	r.set.Models[name] = th
	r.set.Order = append(r.set.Order, name)
	return th
}

// referencesMany: the source holds an array of target keys (default
// camelCase(<Target>_ids)), defined as [targetKeyType] with default [].
func (r *resolver) referencesMany(m *Model, rel *Relation, target *Model, k relKeys) error {
	pk, pkName := keyOf(target, k.primaryKey)
	if pk == nil {
		return missingKey(m, rel, target, k.primaryKey, "primaryKey")
	}
	rel.PrimaryKey = pkName
	rel.ForeignKey = orDefault(k.foreignKey, camelize(target.Name+"_ids", true))
	item := copyType(pk.Type)
	arr := Type{Kind: KindArray, Item: &item}
	if p := m.Property(rel.ForeignKey); p != nil {
		ok := p.Type.Kind == KindAny || (p.Type.Kind == KindArray &&
			(p.Type.Item == nil || keyCompatible(*p.Type.Item, item) || resettable(*p.Type.Item, item)))
		if !ok {
			return relErr(ErrKeyType, m.Name, rel.Name, "foreign key %q is declared %s, but referencesMany stores an array of %q (%s)",
				m.Name+"."+rel.ForeignKey, typeString(p.Type), target.Name+"."+pkName, typeString(item))
		}
		p.Type = arr
		if p.Default == nil {
			p.Default = []any{}
		}
		return nil
	}
	m.Properties = append(m.Properties, &Property{Name: rel.ForeignKey, Type: arr, Default: []any{}})
	return nil
}

// embeds: embedsOne stores the target inline in property (default
// camelCase(<Target>)), embedsMany stores an array (default
// camelCase(<Target plural>), default []); a property equal to the relation
// name is prefixed with "_".
func (r *resolver) embeds(m *Model, rel *Relation, target *Model, k relKeys, raw map[string]any) error {
	model := Type{Kind: KindModel, Model: target.Name}
	var t Type
	var def any
	prop := k.property
	if rel.Type == RelEmbedsOne {
		prop = orDefault(prop, camelize(target.Name, true))
		t = model
		switch v := raw["default"].(type) {
		case bool:
			if v {
				def = map[string]any{}
			}
		case map[string]any:
			def = cloneJSON(v)
		}
	} else {
		prop = orDefault(prop, camelize(target.Plural, true))
		t = Type{Kind: KindArray, Item: &model}
		if omit, _ := rel.Options["omitDefaultEmbeddedItem"].(bool); !omit {
			def = []any{}
		}
	}
	if prop == rel.Name {
		prop = "_" + prop
	}
	if err := checkPropertyName(m.Name, prop); err != nil {
		return err
	}
	rel.Property = prop
	if _, idName := keyOf(target, ""); idName != "" {
		rel.PrimaryKey = idName
	} else {
		rel.PrimaryKey = "id"
	}
	if p := m.Property(prop); p != nil {
		switch p.Type.Kind {
		case KindAny, KindObject, KindModel, KindArray:
		default:
			return relErr(ErrKeyType, m.Name, rel.Name, "property %q is declared %s and cannot store the embedded %q",
				m.Name+"."+prop, typeString(p.Type), target.Name)
		}
		p.Type = t
		if p.Default == nil {
			p.Default = def
		}
		return nil
	}
	m.Properties = append(m.Properties, &Property{Name: prop, Type: t, Default: def})
	return nil
}

// defineKey makes sure holder has property field able to hold a key of
// type keyType (described by keyDesc for messages): an undeclared field is
// defined with keyType (appended to the properties); a declared one keeps
// its definition, except that a string or any type is reset to keyType as
// LoopBack does; any other mismatch is an ErrKeyType error.
func (r *resolver) defineKey(m *Model, rel *Relation, holder *Model, field string, keyType Type, keyDesc string) error {
	if field == "" {
		return relErr(ErrInvalidRelation, m.Name, rel.Name, "empty key name")
	}
	if err := checkPropertyName(holder.Name, field); err != nil {
		return relErr(ErrInvalidRelation, m.Name, rel.Name, "key %q: %s", field, strings.TrimPrefix(err.Error(), "relstore: "))
	}
	p := holder.Property(field)
	if p == nil {
		holder.Properties = append(holder.Properties, &Property{Name: field, Type: copyType(keyType)})
		return nil
	}
	if p.Type.Kind == keyType.Kind && keyCompatible(p.Type, keyType) {
		return nil
	}
	if keyType.Kind == KindAny {
		return nil
	}
	if resettable(p.Type, keyType) {
		p.Type = copyType(keyType)
		return nil
	}
	return relErr(ErrKeyType, m.Name, rel.Name, "foreign key %q is declared %s, which cannot hold %s (%s)",
		holder.Name+"."+field, typeString(p.Type), keyDesc, typeString(keyType))
}

// resettable reports whether LoopBack would silently reset a declared
// foreign key type to the key type: any, or string holding a scalar key.
func resettable(declared, key Type) bool {
	return declared.Kind == KindAny ||
		(declared.Kind == KindString && key.Kind != KindObject && key.Kind != KindArray && key.Kind != KindModel)
}

// keyCompatible reports whether a declared type can hold values of key
// type without a reset.
func keyCompatible(declared, key Type) bool {
	if key.Kind == KindAny || declared.Kind == KindAny {
		return true
	}
	if declared.Kind != key.Kind {
		return false
	}
	switch declared.Kind {
	case KindModel:
		return declared.Model == key.Model
	case KindArray:
		if declared.Item == nil || key.Item == nil {
			return true
		}
		return keyCompatible(*declared.Item, *key.Item)
	}
	return true
}

// typeString renders a type for messages: "number", "[string]", "Address".
func typeString(t Type) string {
	switch t.Kind {
	case KindModel:
		return t.Model
	case KindArray:
		if t.Item == nil {
			return "array"
		}
		return "[" + typeString(*t.Item) + "]"
	}
	return string(t.Kind)
}

func missingKey(m *Model, rel *Relation, on *Model, declared, key string) error {
	if declared != "" {
		return relErr(ErrInvalidRelation, m.Name, rel.Name, "%s %q is not a property of model %q", key, declared, on.Name)
	}
	return relErr(ErrInvalidRelation, m.Name, rel.Name, "model %q has no id to relate to", on.Name)
}

func (r *resolver) wantFKIndex(m *Model, field string) {
	r.fkIndexes = append(r.fkIndexes, indexRequest{model: m, name: "fk_" + field, fields: []string{field}})
}

// ensureIndexes adds the relation indexes: through compound indexes first,
// then single-field FK indexes, each skipped when an existing index starts
// with the same fields (a prefix serves the lookup).
func (r *resolver) ensureIndexes() {
	for _, reqs := range [][]indexRequest{r.thIndexes, r.fkIndexes} {
		for _, req := range reqs {
			if hasIndexPrefix(req.model, req.fields) {
				continue
			}
			req.model.Indexes = append(req.model.Indexes, &Index{
				Name: freeIndexName(req.model, req.name), Fields: append([]string(nil), req.fields...),
			})
		}
	}
}

func hasIndexPrefix(m *Model, fields []string) bool {
	for _, x := range m.Indexes {
		if len(x.Fields) < len(fields) {
			continue
		}
		match := true
		for i, f := range fields {
			if x.Fields[i] != f {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// quoteKey renders model.property quoted for messages.
func quoteKey(model, prop string) string { return fmt.Sprintf("%q", model+"."+prop) }
