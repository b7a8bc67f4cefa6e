package relstore

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/relstore/relstore/schema"
)

// Model carries the model-level settings of a struct model, as LB4's
// @model decorator does. Declare it as a blank field:
//
//	type Customer struct {
//		_  relstore.Model `relstore:"name=Customer,plural=Customers,strict"`
//		ID int            `json:"id" relstore:"id,generated"`
//	}
//
// Keys: name (default: the Go type name), plural, strict (bare: true; or
// strict=false|filter), forceId=true|false, idInjection=true|false,
// hidden=a|b and protected=a|b (property lists), path (the REST path).
// Any other key=value becomes a model setting (value read as JSON when it
// parses, else as a string). Model has no other use; its size is zero.
type Model struct{}

var (
	modelType = reflect.TypeFor[Model]()
	timeType  = reflect.TypeFor[time.Time]()
)

// structModel is the analysis of one Go struct type, made once per type and
// cached: its model settings, its fields with their JSON names, offsets,
// codecs and property definitions, and the relations its tags declare.
type structModel struct {
	typ       reflect.Type
	name      string   // model name
	settings  object   // model-level definition keys from the Model marker
	fields    []*field // flattened (embedded structs), in declaration order
	byName    map[string]*field
	relations object // relation name → LB3 relation definition
	id        *field // the id field, or nil
	nested    []reflect.Type
	codec     *codec
	err       error // the type cannot be encoded or decoded
	defErr    error // the type cannot define a model
}

// field is one exported field of a struct model.
type field struct {
	goName   string // Go path, e.g. "Base.CreatedAt"
	name     string // JSON property name
	off      uintptr
	typ      reflect.Type
	c        *codec
	tag      tag
	relation bool // holds included related records: not a property
	id       bool
	def      object // LB3 property definition (properties only)
}

// registry caches the analysis of every struct type seen.
var registry = struct {
	sync.Mutex
	m map[reflect.Type]*structModel
}{m: map[reflect.Type]*structModel{}}

// modelOf returns the analysis of struct type t, making it on first use.
// Errors wrap ErrInvalidDefinition and name the type and field.
func modelOf(t reflect.Type) (*structModel, error) {
	registry.Lock()
	defer registry.Unlock()
	var created []reflect.Type
	sm, err := analyze(t, &created)
	if err != nil {
		// Types analysed in this call may refer to the failed one: forget
		// them all, so that each reports its own error when asked again.
		for _, c := range created {
			delete(registry.m, c)
		}
		registry.m[t] = &structModel{typ: t, err: err}
		return nil, err
	}
	return sm, nil
}

// analyze returns the cached analysis of t or makes it; registry is locked.
// A type being analysed (a cycle through relation fields) is returned as is:
// its codec works once the analysis completes.
func analyze(t reflect.Type, created *[]reflect.Type) (*structModel, error) {
	if sm, ok := registry.m[t]; ok {
		return sm, sm.err
	}
	if t.Kind() != reflect.Struct || t == timeType {
		return nil, defErrorf("%s is not a struct type", t)
	}
	sm := &structModel{typ: t, name: t.Name(), byName: map[string]*field{}}
	registry.m[t] = sm
	*created = append(*created, t)
	sm.codec = structCodec(sm)
	if err := sm.analyze(created); err != nil {
		return nil, err
	}
	return sm, nil
}

func defErrorf(format string, args ...any) error {
	return fmt.Errorf("relstore: %s: %w", fmt.Sprintf(format, args...), ErrInvalidDefinition)
}

// wrap adds the type and field to an error, unless it is a definition
// error already (which names its own type and field).
func (sm *structModel) wrap(f *field, err error) error {
	if errors.Is(err, ErrInvalidDefinition) {
		return err
	}
	return sm.errorf(f, "%v", err)
}

func (sm *structModel) errorf(f *field, format string, args ...any) error {
	where := sm.typ.String()
	if f != nil {
		where += "." + f.goName
	}
	return defErrorf("%s: %s", where, fmt.Sprintf(format, args...))
}

// analyze fills sm from its type. What the codec needs (the fields, their
// names and types) fails the analysis; what only the model definition needs
// (tags, relations, settings) is kept in defErr, reported by Define, so
// that NewRepo works on any struct whose fields match a model defined from
// JSON.
func (sm *structModel) analyze(created *[]reflect.Type) error {
	if err := sm.walk(sm.typ, 0, ""); err != nil {
		return err
	}
	// Relations declared on this struct: hasMany/hasOne on the relation
	// field, belongsTo on the foreign key.
	belongs := map[string]bool{}
	for _, f := range sm.fields {
		switch {
		case f.tag.has("hasMany") || f.tag.has("hasOne"):
			f.relation = true
			rel, err := sm.toManyRelation(f, created)
			sm.defFail(err)
			sm.relations = append(sm.relations, member{f.name, rel})
		case f.tag.has("belongsTo"):
			name, rel, err := sm.belongsToRelation(f)
			sm.defFail(err)
			sm.relations = append(sm.relations, member{name, rel})
			belongs[name] = true
		}
	}
	for _, f := range sm.fields {
		if belongs[f.name] && !f.relation {
			if len(f.tag) > 0 {
				sm.defFail(sm.errorf(f, "the field holding relation %q takes no relstore tag", f.name))
			}
			f.relation = true
		}
	}
	for _, f := range sm.fields {
		c, err := codecFor(f.typ, created)
		if err != nil {
			return sm.wrap(f, err)
		}
		f.c = c
		if f.relation {
			continue
		}
		f.def, err = sm.propertyDef(f, created)
		sm.defFail(err)
		if f.tag.has("id") {
			if sm.id != nil && sm.id.tag.has("id") {
				if v, _ := f.tag.get("id"); v == "" || v == "1" {
					sm.defFail(sm.errorf(f, "a second id field (%s); give composite ids positions: id=1, id=2", sm.id.goName))
				}
				continue
			}
			sm.id = f
		}
	}
	if sm.id == nil {
		if f := sm.byName["id"]; f != nil && !f.relation {
			sm.id = f
		}
	}
	if sm.id != nil {
		sm.id.id = true
	}
	return nil
}

// defFail records the first error of the model definition.
func (sm *structModel) defFail(err error) {
	if err != nil && sm.defErr == nil {
		sm.defErr = err
	}
}

// walk collects the exported fields of t (at offset off), flattening
// embedded structs, and reads the Model marker.
func (sm *structModel) walk(t reflect.Type, off uintptr, prefix string) error {
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if sf.Type == modelType {
			if err := sm.marker(sf.Tag.Get("relstore")); err != nil {
				sm.defFail(sm.errorf(nil, "relstore.Model tag: %v", err))
			}
			continue
		}
		jsonName, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		rtag := sf.Tag.Get("relstore")
		if jsonName == "-" || rtag == "-" {
			continue
		}
		if sf.Anonymous && jsonName == "" && rtag == "" {
			ft := sf.Type
			if ft.Kind() == reflect.Struct && ft != timeType {
				if err := sm.walk(ft, off+sf.Offset, prefix+sf.Name+"."); err != nil {
					return err
				}
				continue
			}
			if ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Struct && sf.IsExported() {
				return defErrorf("%s.%s%s: embedded struct pointers are not supported; embed the struct", sm.typ, prefix, sf.Name)
			}
		}
		if !sf.IsExported() {
			continue
		}
		f := &field{goName: prefix + sf.Name, name: jsonName, off: off + sf.Offset, typ: sf.Type}
		if f.name == "" {
			f.name = lowerCamel(sf.Name)
		}
		tg, err := parseTag(rtag)
		if err == nil {
			err = checkTagKeys(tg)
		}
		if err != nil {
			sm.defFail(sm.errorf(f, "relstore tag: %v", err))
		} else {
			f.tag = tg
		}
		if strings.Contains(f.name, ".") || f.name == "constructor" {
			sm.defFail(sm.errorf(f, "property name %q is not allowed", f.name))
		}
		if other := sm.byName[f.name]; other != nil {
			return sm.errorf(f, "property %q is also the name of field %s", f.name, other.goName)
		}
		sm.byName[f.name] = f
		sm.fields = append(sm.fields, f)
	}
	return nil
}

// lowerCamel turns a Go field name into a JSON property name: the leading
// run of capitals is lower-cased, keeping the last one of a longer run when
// a lower-case letter follows ("Name" → "name", "ID" → "id", "URLPath" →
// "urlPath", "CustomerID" → "customerID").
func lowerCamel(s string) string {
	runes := []rune(s)
	n := 0
	for n < len(runes) && unicode.IsUpper(runes[n]) {
		n++
	}
	if n > 1 && n < len(runes) && unicode.IsLower(runes[n]) {
		n--
	}
	for i := 0; i < n; i++ {
		runes[i] = unicode.ToLower(runes[i])
	}
	return string(runes)
}

var nameRE = regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_$-]*$`)

// checkName refuses a model name LoopBack cannot use (an anonymous or
// generic type without a name=... setting).
func (sm *structModel) checkName() error {
	if !nameRE.MatchString(sm.name) {
		return sm.errorf(nil, "model name %q is not usable: name the model with relstore:\"name=...\" on a relstore.Model field", sm.name)
	}
	return nil
}

// Field tag keys, by what they apply to.
var (
	propertyKeys = map[string]bool{
		"id": true, "generated": true, "required": true, "index": true, "unique": true,
		"hidden": true, "protected": true, "default": true, "defaultFn": true, "type": true,
		"minLength": true, "maxLength": true, "minimum": true, "maximum": true,
		"pattern": true, "format": true, "enum": true,
	}
	belongsToKeys = map[string]bool{"belongsTo": true, "keyTo": true, "as": true, "integrity": true}
	toManyKeys    = map[string]bool{"hasMany": true, "hasOne": true, "keyTo": true, "keyFrom": true, "through": true, "onDelete": true}
)

// checkTagKeys refuses unknown keys and mixes that make no sense.
func checkTagKeys(t tag) error {
	toMany := t.has("hasMany") || t.has("hasOne")
	if t.has("hasMany") && t.has("hasOne") {
		return fmt.Errorf("hasMany and hasOne exclude each other")
	}
	if toMany && t.has("belongsTo") {
		return fmt.Errorf("belongsTo goes on the foreign key field, hasMany/hasOne on the relation field: not both")
	}
	for _, it := range t {
		switch {
		case toMany:
			if !toManyKeys[it.key] {
				return fmt.Errorf("%q does not apply to a hasMany/hasOne relation field", it.key)
			}
		case propertyKeys[it.key]:
		case belongsToKeys[it.key]:
			if !t.has("belongsTo") {
				return fmt.Errorf("%q needs belongsTo", it.key)
			}
		case toManyKeys[it.key]:
			return fmt.Errorf("%q needs hasMany or hasOne", it.key)
		default:
			return fmt.Errorf("unknown key %q", it.key)
		}
	}
	return nil
}

// marker reads the Model marker's tag into the model settings.
func (sm *structModel) marker(s string) error {
	tg, err := parseTag(s)
	if err != nil {
		return err
	}
	for _, it := range tg {
		switch it.key {
		case "name":
			sm.name = it.val
		case "plural":
			sm.settings = append(sm.settings, member{"plural", it.val})
		case "strict":
			v := "true"
			if it.hasVal {
				v = it.val
			}
			switch v {
			case "true", "false":
				sm.settings = append(sm.settings, member{"strict", v == "true"})
			case "filter", "throw", "validate":
				sm.settings = append(sm.settings, member{"strict", v})
			default:
				return fmt.Errorf("strict=%s: want true, false or filter", v)
			}
		case "forceId", "idInjection":
			b, err := strconv.ParseBool(orString(it.val, "true"))
			if err != nil {
				return fmt.Errorf("%s=%s: want true or false", it.key, it.val)
			}
			sm.settings = append(sm.settings, member{it.key, b})
		case "hidden", "protected":
			sm.settings = append(sm.settings, member{it.key, splitList(it.val)})
		case "path":
			sm.settings = append(sm.settings, member{"http", object{{"path", it.val}}})
		case "base", "properties", "relations":
			return fmt.Errorf("%q cannot be set on a struct model", it.key)
		default:
			var v any = true
			if it.hasVal {
				if json.Unmarshal([]byte(it.val), &v) != nil {
					v = it.val
				}
			}
			sm.settings = append(sm.settings, member{it.key, v})
		}
	}
	return nil
}

func orString(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func splitList(s string) []string {
	var out []string
	for _, x := range strings.Split(s, "|") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// targetModel names the model of a relation field's element type (T, *T,
// []T, []*T).
func (sm *structModel) targetModel(f *field, created *[]reflect.Type) (string, error) {
	t := f.typ
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || t == timeType {
		return "", sm.errorf(f, "a relation field holds a struct, a pointer to one, or a slice of them, not %s", f.typ)
	}
	tm, err := analyze(t, created)
	if err != nil {
		return "", err
	}
	return tm.name, nil
}

// toManyRelation builds the definition of a hasMany/hasOne relation field:
// keyTo is the foreign key on the target (through: keyFrom and keyTo are
// the through model's keys to the source and to the target).
func (sm *structModel) toManyRelation(f *field, created *[]reflect.Type) (object, error) {
	typ := "hasMany"
	target, _ := f.tag.get("hasMany")
	if f.tag.has("hasOne") {
		typ = "hasOne"
		target, _ = f.tag.get("hasOne")
	}
	if target == "" {
		var err error
		if target, err = sm.targetModel(f, created); err != nil {
			return nil, err
		}
	}
	if typ == "hasMany" && f.typ.Kind() != reflect.Slice {
		return nil, sm.errorf(f, "a hasMany field is a slice of the target struct, not %s", f.typ)
	}
	if typ == "hasOne" && f.typ.Kind() == reflect.Slice {
		return nil, sm.errorf(f, "a hasOne field is the target struct or a pointer to it, not %s", f.typ)
	}
	rel := object{{"type", typ}, {"model", target}}
	keyFrom, _ := f.tag.get("keyFrom")
	keyTo, _ := f.tag.get("keyTo")
	if through, ok := f.tag.get("through"); ok {
		if typ != "hasMany" || through == "" {
			return nil, sm.errorf(f, "through=Model goes with hasMany")
		}
		rel = append(rel, member{"through", through})
		if keyFrom != "" {
			rel = append(rel, member{"foreignKey", keyFrom})
		}
		if keyTo != "" {
			rel = append(rel, member{"keyThrough", keyTo})
		}
	} else {
		if keyTo != "" {
			rel = append(rel, member{"foreignKey", keyTo})
		}
		if keyFrom != "" {
			rel = append(rel, member{"primaryKey", keyFrom})
		}
	}
	if v, ok := f.tag.get("onDelete"); ok {
		rel = append(rel, member{"onDelete", v})
	}
	return rel, nil
}

// belongsToRelation builds the belongsTo relation a foreign key field
// declares. Its name is as=..., else the key's name without its "Id"
// suffix (LB4's default: customerId → customer).
func (sm *structModel) belongsToRelation(f *field) (string, object, error) {
	target, _ := f.tag.get("belongsTo")
	if target == "" {
		return "", nil, sm.errorf(f, "belongsTo needs the target model: belongsTo=Customer")
	}
	name, _ := f.tag.get("as")
	if name == "" {
		for _, suffix := range []string{"Id", "ID", "_id"} {
			if s, ok := strings.CutSuffix(f.name, suffix); ok && s != "" {
				name = s
				break
			}
		}
		if name == "" {
			return "", nil, sm.errorf(f, "cannot name the belongsTo relation of %q: add as=name", f.name)
		}
	}
	rel := object{{"type", "belongsTo"}, {"model", target}, {"foreignKey", f.name}}
	if v, _ := f.tag.get("keyTo"); v != "" {
		rel = append(rel, member{"primaryKey", v})
	}
	if v, ok := f.tag.get("integrity"); ok {
		rel = append(rel, member{"integrity", v})
	}
	return name, rel, nil
}

// propertyDef builds the LB3 property definition of a field.
func (sm *structModel) propertyDef(f *field, created *[]reflect.Type) (object, error) {
	var typ any
	if s, ok := f.tag.get("type"); ok {
		typ = s
		if strings.HasPrefix(s, "[") || strings.HasPrefix(s, "{") {
			if err := json.Unmarshal([]byte(s), &typ); err != nil {
				return nil, sm.errorf(f, "type=%s: %v", s, err)
			}
		}
	} else {
		var err error
		if typ, err = sm.typeDef(f.typ, created); err != nil {
			return nil, sm.wrap(f, err)
		}
	}
	def := object{{"type", typ}}
	kind := baseKind(f.typ)
	for _, it := range f.tag {
		switch it.key {
		case "id":
			if it.val == "" {
				def = append(def, member{"id", true})
			} else {
				n, err := strconv.Atoi(it.val)
				if err != nil || n < 1 {
					return nil, sm.errorf(f, "id=%s: want a position 1, 2, ...", it.val)
				}
				def = append(def, member{"id", n})
			}
		case "generated", "required", "hidden", "protected":
			def = append(def, member{it.key, true})
		case "index":
			if !f.tag.has("unique") {
				def = append(def, member{"index", true})
			}
		case "unique":
			def = append(def, member{"index", object{{"unique", true}}})
		case "default":
			v, err := typedValue(kind, it.val)
			if err != nil {
				return nil, sm.errorf(f, "default=%s: %v", it.val, err)
			}
			def = append(def, member{"default", v})
		case "defaultFn":
			def = append(def, member{"defaultFn", it.val})
		}
	}
	var js object
	for _, it := range f.tag {
		switch it.key {
		case "minLength", "maxLength":
			n, err := strconv.Atoi(it.val)
			if err != nil || n < 0 {
				return nil, sm.errorf(f, "%s=%s: want a non-negative integer", it.key, it.val)
			}
			js = append(js, member{it.key, n})
		case "minimum", "maximum":
			x, err := strconv.ParseFloat(it.val, 64)
			if err != nil {
				return nil, sm.errorf(f, "%s=%s: want a number", it.key, it.val)
			}
			js = append(js, member{it.key, x})
		case "pattern", "format":
			js = append(js, member{it.key, it.val})
		case "enum":
			var vals []any
			for _, s := range strings.Split(it.val, "|") {
				v, err := typedValue(kind, s)
				if err != nil {
					return nil, sm.errorf(f, "enum value %q: %v", s, err)
				}
				vals = append(vals, v)
			}
			js = append(js, member{"enum", vals})
		}
	}
	if len(js) > 0 {
		def = append(def, member{"jsonSchema", js})
	}
	return def, nil
}

// baseKind is what a tag value is parsed as for a field of type t: its kind
// after pointers, with time.Time apart.
func baseKind(t reflect.Type) reflect.Kind {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == timeType {
		return reflect.Invalid
	}
	return t.Kind()
}

// typedValue reads a tag value (a default, an enum member) for a field of
// kind k: numbers and booleans parsed, strings and dates as written, other
// kinds as JSON.
func typedValue(k reflect.Kind, s string) (any, error) {
	switch k {
	case reflect.String, reflect.Invalid:
		return s, nil
	case reflect.Bool:
		return strconv.ParseBool(s)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return strconv.ParseFloat(s, 64)
	}
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return nil, fmt.Errorf("not JSON: %v", err)
	}
	return v, nil
}

// typeDef is the LB3 type of a Go type: "string", "number", "boolean",
// "date", "buffer", "object", "any", [item], a nested model's name, or an
// inline object of properties for an anonymous struct.
func (sm *structModel) typeDef(t reflect.Type, created *[]reflect.Type) (any, error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == timeType {
		return "date", nil
	}
	switch t.Kind() {
	case reflect.String:
		return "string", nil
	case reflect.Bool:
		return "boolean", nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return "number", nil
	case reflect.Interface:
		return "any", nil
	case reflect.Map:
		return "object", nil
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return "buffer", nil
		}
		item, err := sm.typeDef(t.Elem(), created)
		if err != nil {
			return nil, err
		}
		return []any{item}, nil
	case reflect.Struct:
		nm, err := analyze(t, created)
		if err != nil {
			return nil, err
		}
		if len(nm.relations) > 0 {
			return nil, fmt.Errorf("nested type %s declares relations; only models stored on their own have relations", t)
		}
		if nm.defErr != nil {
			return nil, nm.defErr
		}
		if t.Name() == "" {
			// An anonymous struct: an inline object type, which the loader
			// names "<Owner>_<property>".
			props := object{}
			for _, f := range nm.fields {
				props = append(props, member{f.name, f.def})
			}
			for _, n := range nm.nested {
				sm.addNested(n)
			}
			return props, nil
		}
		if err := nm.checkName(); err != nil {
			return nil, err
		}
		sm.addNested(t)
		return nm.name, nil
	}
	return nil, fmt.Errorf("type %s is not supported", t)
}

func (sm *structModel) addNested(t reflect.Type) {
	for _, n := range sm.nested {
		if n == t {
			return
		}
	}
	sm.nested = append(sm.nested, t)
}

// definition is the LB3 model-definition JSON of the struct: a persisted
// model (base PersistedModel), or a nested type (base Model, no injected
// id).
func (sm *structModel) definition(persisted bool) []byte {
	def := object{{"name", sm.name}}
	if persisted {
		def = append(def, member{"base", "PersistedModel"})
	} else {
		def = append(def, member{"base", "Model"})
		if _, ok := sm.settings.get("idInjection"); !ok {
			def = append(def, member{"idInjection", false})
		}
	}
	def = append(def, sm.settings...)
	props := object{}
	for _, f := range sm.fields {
		if !f.relation {
			props = append(props, member{f.name, f.def})
		}
	}
	def = append(def, member{"properties", props})
	if len(sm.relations) > 0 {
		def = append(def, member{"relations", sm.relations})
	}
	b, err := json.Marshal(def)
	if err != nil {
		panic(fmt.Sprintf("relstore: definition of %s: %v", sm.typ, err)) // values are JSON by construction
	}
	return b
}

// definable reports why sm (or a nested type it uses) cannot define a
// model, or nil.
func (sm *structModel) definable() error {
	if err := sm.checkName(); err != nil {
		return err
	}
	if sm.defErr != nil {
		return sm.defErr
	}
	for _, nm := range sm.nestedClosure() {
		if nm.defErr != nil {
			return nm.defErr
		}
	}
	return nil
}

// nestedClosure lists the named struct types sm uses as property types,
// directly or through other nested types, each once.
func (sm *structModel) nestedClosure() []*structModel {
	var out []*structModel
	seen := map[reflect.Type]bool{sm.typ: true}
	var visit func(*structModel)
	visit = func(m *structModel) {
		for _, t := range m.nested {
			if seen[t] {
				continue
			}
			seen[t] = true
			registry.Lock()
			nm := registry.m[t]
			registry.Unlock()
			out = append(out, nm)
			visit(nm)
		}
	}
	visit(sm)
	return out
}

// Define defines the model of struct type T in db, with every named struct
// type T uses as a property type (as a non-persisted nested model), and
// resolves it together with every model defined before, so models may refer
// to each other in any order: Define[Customer] then Define[Order] works
// when each names the other; until the last one is defined, the waiting
// model answers ErrUnknownModel. Defining T again is a no-op. Like
// DB.DefineJSON, Define waits for running write transactions: do not call
// it inside Update.
//
// Tags mirror LB4's decorators; see the package documentation for the
// list. Errors (nothing is defined then): ErrInvalidDefinition naming the
// type and field (unsupported field type, malformed tag, a model name that
// is already taken), ErrIncompatibleSchema, ErrClosed.
func Define[T any](db *DB) error {
	sm, err := modelOf(reflect.TypeFor[T]())
	if err != nil {
		return err
	}
	if err := sm.definable(); err != nil {
		return err
	}
	return db.defineStruct(sm)
}

// defineStruct adds a struct model and its nested types to the definitions.
func (db *DB) defineStruct(sm *structModel) error {
	db.mu.Lock()
	defer db.mu.Unlock()
	next := append([]source(nil), db.sources...)
	put := func(m *structModel, auto bool) error {
		doc := m.definition(!auto)
		src := source{name: m.name, typ: m.typ, auto: auto, add: func(l *schema.Loader) error { return l.Add(doc) }}
		for i, s := range next {
			if s.name != m.name {
				continue
			}
			switch {
			case s.typ != m.typ:
				return defErrorf("%s: model name %q is already defined (by %s)", m.typ, m.name, describeSource(s))
			case s.auto && !auto:
				next[i] = src // a nested type now defined as a model of its own
			}
			return nil
		}
		next = append(next, src)
		return nil
	}
	if err := put(sm, false); err != nil {
		return err
	}
	for _, nm := range sm.nestedClosure() {
		if err := put(nm, true); err != nil {
			return err
		}
	}
	if len(next) == len(db.sources) && sameSources(next, db.sources) {
		return nil
	}
	pending, err := db.resolve(next)
	if err != nil {
		return err
	}
	db.sources = next
	db.setPending(pending)
	return nil
}

func describeSource(s source) string {
	if s.typ != nil {
		return "struct " + s.typ.String()
	}
	return "a JSON definition"
}

func sameSources(a, b []source) bool {
	for i := range a {
		if a[i].typ != b[i].typ || a[i].auto != b[i].auto || a[i].name != b[i].name {
			return false
		}
	}
	return true
}

// Definition returns the LB3 model-definition JSON that Define[T] uses for
// T: the struct model's name, settings, properties and relations, as one
// would write common/models/<model>.json. Errors: ErrInvalidDefinition, as
// Define.
func Definition[T any]() ([]byte, error) {
	sm, err := modelOf(reflect.TypeFor[T]())
	if err != nil {
		return nil, err
	}
	if err := sm.definable(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, sm.definition(true), "", "  "); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// object is a JSON object that keeps its key order.
type object []member

type member struct {
	key string
	val any
}

func (o object) get(key string) (any, bool) {
	for _, m := range o {
		if m.key == key {
			return m.val, true
		}
	}
	return nil, false
}

// MarshalJSON writes the members in order.
func (o object) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			buf.WriteByte(',')
		}
		k, err := json.Marshal(m.key)
		if err != nil {
			return nil, err
		}
		buf.Write(k)
		buf.WriteByte(':')
		v, err := json.Marshal(m.val)
		if err != nil {
			return nil, err
		}
		buf.Write(v)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}
