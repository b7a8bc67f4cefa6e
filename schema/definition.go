package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"sort"
	"strings"
)

// definition is one LB3 model-definition document as parsed by Loader.Add:
// keys validated and typed, but bases, model-name types and relations not
// yet resolved. Removal markers (a nil prop, raw, index or map value) record
// a child's "null"/"false" that deletes an inherited entry.
type definition struct {
	name        string
	plural      string
	base        string // as declared; "" means PersistedModel
	idInjection *bool
	forceID     *bool // nil: "auto"
	strict      *Strict
	hidden      []string
	protected   []string
	exclude     []string // excludeBaseProperties
	props       []propDef
	relations   []relDef
	indexes     []indexDef
	scope       map[string]any
	scopeSet    bool           // "scope" was given (a nil scope then removes the base's)
	scopes      map[string]any // nil value: removes an inherited scope
	httpPath    string
	settings    map[string]any // nil value: removes an inherited setting
	anonymous   bool           // an inline object type "<Owner>_<prop>"
}

// propDef is a property in declaration order; a nil prop removes an
// inherited property of that name.
type propDef struct {
	name string
	prop *Property
}

// relDef is a relation as written (decoded JSON object); a nil raw removes
// an inherited relation of that name.
type relDef struct {
	name string
	raw  map[string]any
}

// indexDef is a model-level index; a nil index removes an inherited one.
type indexDef struct {
	name  string
	index *Index
}

// Top-level keys LoopBack 3 understands but relstore does not implement:
// each one present in a definition produces exactly one warning.
var warnedModelKeys = map[string]bool{
	"options": true, "acls": true, "methods": true, "mixins": true,
	"validations": true, "remoting": true,
}

// Top-level keys ignored silently: documentation and connector-specific
// settings (relstore has its own storage).
var ignoredModelKeys = map[string]bool{
	"description": true, "doc": true, "comments": true,
	"memory": true, "mongodb": true, "mysql": true, "postgresql": true,
	"oracle": true, "mssql": true, "db2": true, "cloudant": true,
	"couchdb": true, "redis": true, "cassandra": true, "sqlite3": true,
}

// knownDefaultFns are the defaultFn values relstore generates.
var knownDefaultFns = map[string]bool{
	"guid": true, "uuid": true, "uuidv4": true, "now": true,
	"shortid": true, "nanoid": true,
}

// propertyOptionKeys are keys that only make sense in a property definition:
// an object property value without "type" that contains one of them is a
// property that forgot its type, not an inline nested model.
var propertyOptionKeys = map[string]bool{
	"id": true, "generated": true, "required": true, "default": true,
	"defaultFn": true, "index": true, "unique": true, "hidden": true,
	"protected": true, "jsonSchema": true,
}

// builtinTypes maps lower-case LB3 type names to relstore types.
var builtinTypes = map[string]Kind{
	"string": KindString, "text": KindString,
	"number": KindNumber, "integer": KindNumber, "float": KindNumber, "double": KindNumber,
	"boolean": KindBoolean,
	"date":    KindDate,
	"object":  KindObject, "json": KindObject,
	"any":      KindAny,
	"array":    KindArray,
	"geopoint": KindGeoPoint,
	"buffer":   KindBuffer, "binary": KindBuffer,
}

// parser parses one document; it collects the anonymous nested models its
// inline object types create.
type parser struct {
	model  string
	warn   func(model, msg string)
	nested []*definition
}

// parseDefinition parses one LB3 model-definition document.
func parseDefinition(data []byte, warn func(model, msg string)) (*definition, []*definition, error) {
	members, err := objectMembers(data)
	if err != nil {
		return nil, nil, err
	}
	name := ""
	for _, m := range members {
		if m.key == "name" {
			if err := json.Unmarshal(m.value, &name); err != nil {
				return nil, nil, defErr(nil, "model definition: \"name\" must be a string")
			}
		}
	}
	if name == "" {
		return nil, nil, defErr(nil, "model definition has no \"name\"")
	}
	if strings.ContainsAny(name, "/ \t\r\n") {
		return nil, nil, modelErr(nil, name, "a model name may not contain \"/\" or white space")
	}
	d := &definition{name: name}
	p := &parser{model: name, warn: warn}
	hasBase := false
	for _, m := range members {
		if err := p.topLevel(d, m, &hasBase); err != nil {
			return nil, nil, err
		}
	}
	return d, p.nested, nil
}

// topLevel handles one top-level key of a definition.
func (p *parser) topLevel(d *definition, m member, hasBase *bool) error {
	name := d.name
	switch m.key {
	case "name":
		return nil
	case "plural":
		s, err := stringValue(m.value)
		if err != nil {
			return modelErr(nil, name, "\"plural\" must be a string")
		}
		d.plural = s
	case "base", "super":
		s, err := stringValue(m.value)
		if err != nil {
			return modelErr(nil, name, "%q must be a model name", m.key)
		}
		if m.key == "base" || !*hasBase {
			d.base = s
		}
		if m.key == "base" {
			*hasBase = true
		}
	case "idInjection":
		b, err := boolValue(m.value)
		if err != nil {
			return modelErr(nil, name, "\"idInjection\" must be true or false")
		}
		d.idInjection = &b
	case "forceId":
		var v any
		_ = json.Unmarshal(m.value, &v)
		switch v := v.(type) {
		case bool:
			d.forceID = &v
		case nil:
		case string:
			if v != "auto" {
				return modelErr(nil, name, "\"forceId\" must be true, false or \"auto\", not %q", v)
			}
		default:
			return modelErr(nil, name, "\"forceId\" must be true, false or \"auto\"")
		}
	case "strict":
		s, err := parseStrict(m.value)
		if err != nil {
			return modelErr(nil, name, "%v", err)
		}
		d.strict = s
	case "hidden", "hiddenProperties":
		list, err := nameList(m.value)
		if err != nil {
			return modelErr(nil, name, "%q: %v", m.key, err)
		}
		d.hidden = appendUnique(d.hidden, list...)
	case "protected", "protectedProperties":
		list, err := nameList(m.value)
		if err != nil {
			return modelErr(nil, name, "%q: %v", m.key, err)
		}
		d.protected = appendUnique(d.protected, list...)
	case "excludeBaseProperties":
		list, err := nameList(m.value)
		if err != nil {
			return modelErr(nil, name, "\"excludeBaseProperties\": %v", err)
		}
		d.exclude = list
	case "properties":
		props, err := p.properties(name, m.value)
		if err != nil {
			return err
		}
		d.props = props
	case "relations":
		rels, err := parseRelations(name, m.value)
		if err != nil {
			return err
		}
		d.relations = rels
	case "indexes":
		idx, err := parseIndexes(name, m.value)
		if err != nil {
			return err
		}
		d.indexes = idx
	case "scope":
		d.scopeSet = true
		if isNull(m.value) {
			return nil
		}
		f, err := filterObject(m.value)
		if err != nil {
			return modelErr(nil, name, "\"scope\" must be a filter object")
		}
		d.scope = f
	case "scopes":
		scopes, err := parseScopes(name, m.value)
		if err != nil {
			return err
		}
		d.scopes = scopes
	case "http":
		return p.http(d, m.value)
	default:
		if warnedModelKeys[m.key] {
			p.warn(name, fmt.Sprintf("key %q is not supported by relstore; ignored", m.key))
			return nil
		}
		if ignoredModelKeys[m.key] {
			return nil
		}
		var v any
		if err := json.Unmarshal(m.value, &v); err != nil {
			return modelErr(nil, name, "setting %q: %v", m.key, err)
		}
		if d.settings == nil {
			d.settings = make(map[string]any)
		}
		d.settings[m.key] = v
	}
	return nil
}

// http reads "http": {"path": ...}; other http settings are warned about.
func (p *parser) http(d *definition, raw json.RawMessage) error {
	if isNull(raw) {
		return nil
	}
	members, err := objectMembers(raw)
	if err != nil {
		return modelErr(nil, d.name, "\"http\" must be an object")
	}
	var others []string
	for _, m := range members {
		if m.key != "path" {
			others = append(others, m.key)
			continue
		}
		s, err := stringValue(m.value)
		if err != nil {
			return modelErr(nil, d.name, "\"http.path\" must be a string")
		}
		d.httpPath = cleanPath(s)
	}
	if len(others) > 0 {
		p.warn(d.name, fmt.Sprintf("key \"http\": settings other than \"path\" are not supported; ignored: %s",
			strings.Join(others, ", ")))
	}
	return nil
}

// cleanPath strips the leading and trailing slashes of an http.path.
func cleanPath(s string) string { return strings.Trim(strings.TrimSpace(s), "/") }

func parseStrict(raw json.RawMessage) (*Strict, error) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	var s Strict
	switch v := v.(type) {
	case nil:
		return nil, nil
	case bool:
		s = StrictFalse
		if v {
			s = StrictTrue
		}
	case string:
		switch strings.ToLower(v) {
		case "true", "throw", "validate":
			s = StrictTrue
		case "false":
			s = StrictFalse
		case "filter":
			s = StrictFilter
		default:
			return nil, fmt.Errorf("\"strict\" must be true, false, \"filter\", \"throw\" or \"validate\", not %q", v)
		}
	default:
		return nil, errors.New("\"strict\" must be true, false, \"filter\", \"throw\" or \"validate\"")
	}
	return &s, nil
}

// properties parses the "properties" object of a model.
func (p *parser) properties(owner string, raw json.RawMessage) ([]propDef, error) {
	if isNull(raw) {
		return nil, nil
	}
	members, err := objectMembers(raw)
	if err != nil {
		return nil, modelErr(nil, owner, "\"properties\" must be an object")
	}
	defs := make([]propDef, 0, len(members))
	for _, m := range members {
		if err := checkPropertyName(owner, m.key); err != nil {
			return nil, err
		}
		prop, err := p.property(owner, m.key, m.value)
		if err != nil {
			return nil, err
		}
		defs = append(defs, propDef{name: m.key, prop: prop})
	}
	return defs, nil
}

func checkPropertyName(owner, name string) error {
	switch {
	case name == "":
		return modelErr(ErrInvalidProperty, owner, "a property name may not be empty")
	case strings.Contains(name, "."):
		return propErr(ErrInvalidProperty, owner, name, "property names containing dot(s) are not supported")
	case name == "constructor":
		return propErr(ErrInvalidProperty, owner, name, "\"constructor\" is not allowed as a property name")
	}
	return nil
}

// property parses one property value: a type shorthand ("string",
// ["string"]), a full definition ({"type": ...}), an inline object type, or
// null/false (returns nil: remove the inherited property).
func (p *parser) property(owner, name string, raw json.RawMessage) (*Property, error) {
	switch jsonKind(raw) {
	case 'n':
		return nil, nil
	case 'f':
		return nil, nil
	case '"', '[':
		t, err := p.typeOf(owner, name, raw)
		if err != nil {
			return nil, err
		}
		return &Property{Name: name, Type: t}, nil
	case '{':
	default:
		return nil, propErr(ErrInvalidProperty, owner, name, "a property must be a type name, an array type or an object")
	}
	members, err := objectMembers(raw)
	if err != nil {
		return nil, err
	}
	typeRaw, hasType := lookupMember(members, "type")
	if !hasType {
		for _, m := range members {
			if propertyOptionKeys[m.key] {
				return nil, propErr(ErrInvalidProperty, owner, name, "property has no \"type\"")
			}
		}
		// An object without "type" is an inline nested model (LB3 resolveType).
		t, err := p.typeOf(owner, name, raw)
		if err != nil {
			return nil, err
		}
		return &Property{Name: name, Type: t}, nil
	}
	prop := &Property{Name: name}
	if prop.Type, err = p.typeOf(owner, name, typeRaw); err != nil {
		return nil, err
	}
	for _, m := range members {
		if err := p.propertyOption(owner, prop, m); err != nil {
			return nil, err
		}
	}
	return prop, nil
}

// propertyOption applies one key of a full property definition. Keys that
// do not change relstore's behaviour (description, doc, comments,
// postgresql, mysql, mongodb, length, precision, ...) are ignored silently.
func (p *parser) propertyOption(owner string, prop *Property, m member) error {
	name := prop.Name
	var v any
	if err := json.Unmarshal(m.value, &v); err != nil {
		return propErr(ErrInvalidProperty, owner, name, "%q: %v", m.key, err)
	}
	switch m.key {
	case "id":
		switch v := v.(type) {
		case bool:
			if v {
				prop.ID = 1
			}
		case float64:
			if v < 0 || v != math.Trunc(v) {
				return propErr(ErrInvalidProperty, owner, name, "\"id\" must be true or a position (1, 2, ...), not %v", v)
			}
			prop.ID = int(v)
		case nil:
		default:
			return propErr(ErrInvalidProperty, owner, name, "\"id\" must be true or a position (1, 2, ...)")
		}
	case "generated":
		prop.Generated = truthy(v)
	case "required":
		prop.Required = truthy(v)
	case "default":
		prop.Default = v
	case "defaultFn":
		switch s := v.(type) {
		case string:
			if knownDefaultFns[s] {
				prop.DefaultFn = s
			} else {
				p.warn(owner, fmt.Sprintf("property %q: unknown defaultFn %q ignored", name, s))
			}
		case nil:
		default:
			return propErr(ErrInvalidProperty, owner, name, "\"defaultFn\" must be a string")
		}
	case "index":
		switch iv := v.(type) {
		case map[string]any:
			prop.Index = true
			if truthy(iv["unique"]) {
				prop.Unique = true
			}
		default:
			if truthy(v) {
				prop.Index = true
			}
		}
	case "unique":
		if truthy(v) {
			prop.Unique = true
		}
	case "hidden":
		prop.Hidden = truthy(v)
	case "protected":
		prop.Protected = truthy(v)
	case "jsonSchema":
		if v == nil {
			return nil
		}
		js, err := p.jsonSchema(owner, name, m.value)
		if err != nil {
			return err
		}
		prop.JSONSchema = js
	}
	return nil
}

// typeOf resolves a property type written as a name, an array or an object.
// Names that are not built-in types become KindModel references checked by
// Resolve; inline objects become anonymous models "<owner>_<prop>".
func (p *parser) typeOf(owner, prop string, raw json.RawMessage) (Type, error) {
	switch jsonKind(raw) {
	case '"':
		s, _ := stringValue(raw)
		if s == "" {
			return Type{}, propErr(ErrInvalidProperty, owner, prop, "empty type name")
		}
		if k, ok := builtinTypes[strings.ToLower(s)]; ok {
			return Type{Kind: k}, nil
		}
		return Type{Kind: KindModel, Model: s}, nil
	case '[':
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return Type{}, propErr(ErrInvalidProperty, owner, prop, "type: %v", err)
		}
		if len(items) == 0 {
			return Type{Kind: KindArray}, nil
		}
		item, err := p.typeOf(owner, prop, items[0])
		if err != nil {
			return Type{}, err
		}
		return Type{Kind: KindArray, Item: &item}, nil
	case '{':
		members, err := objectMembers(raw)
		if err != nil {
			return Type{}, err
		}
		if t, ok := lookupMember(members, "type"); ok {
			return p.typeOf(owner, prop, t)
		}
		name := owner + "_" + prop
		for _, n := range p.nested {
			if n.name == name {
				return Type{}, propErr(ErrDuplicateModel, owner, prop, "inline type model %q is defined twice", name)
			}
		}
		nested := &definition{name: name, base: "Model", anonymous: true}
		f, s := false, StrictFalse
		nested.idInjection, nested.strict = &f, &s
		p.nested = append(p.nested, nested)
		if nested.props, err = p.properties(name, raw); err != nil {
			return Type{}, err
		}
		return Type{Kind: KindModel, Model: name}, nil
	case 'n':
		return Type{}, propErr(ErrInvalidProperty, owner, prop, "property has no \"type\"")
	}
	return Type{}, propErr(ErrInvalidProperty, owner, prop, "invalid type %s", bytes.TrimSpace(raw))
}

// jsonSchema parses the LB4 jsonSchema constraints of a property; keywords
// relstore does not enforce produce a warning.
func (p *parser) jsonSchema(owner, prop string, raw json.RawMessage) (*JSONSchema, error) {
	members, err := objectMembers(raw)
	if err != nil {
		return nil, propErr(ErrInvalidProperty, owner, prop, "\"jsonSchema\" must be an object")
	}
	js := &JSONSchema{}
	for _, m := range members {
		var v any
		if err := json.Unmarshal(m.value, &v); err != nil {
			return nil, propErr(ErrInvalidProperty, owner, prop, "jsonSchema %q: %v", m.key, err)
		}
		if v == nil {
			continue
		}
		switch m.key {
		case "minLength", "maxLength":
			f, ok := v.(float64)
			if !ok || f < 0 || f != math.Trunc(f) {
				return nil, propErr(ErrInvalidProperty, owner, prop, "jsonSchema %q must be a non-negative integer", m.key)
			}
			n := int(f)
			if m.key == "minLength" {
				js.MinLength = &n
			} else {
				js.MaxLength = &n
			}
		case "minimum", "maximum":
			f, ok := v.(float64)
			if !ok {
				return nil, propErr(ErrInvalidProperty, owner, prop, "jsonSchema %q must be a number", m.key)
			}
			if m.key == "minimum" {
				js.Minimum = &f
			} else {
				js.Maximum = &f
			}
		case "pattern":
			s, ok := v.(string)
			if !ok {
				return nil, propErr(ErrInvalidProperty, owner, prop, "jsonSchema \"pattern\" must be a string")
			}
			if _, err := regexp.Compile(s); err != nil {
				return nil, propErr(ErrInvalidProperty, owner, prop, "jsonSchema \"pattern\" %q does not compile: %v", s, err)
			}
			js.Pattern = s
		case "format":
			s, ok := v.(string)
			if !ok {
				return nil, propErr(ErrInvalidProperty, owner, prop, "jsonSchema \"format\" must be a string")
			}
			js.Format = s
		case "enum":
			list, ok := v.([]any)
			if !ok {
				return nil, propErr(ErrInvalidProperty, owner, prop, "jsonSchema \"enum\" must be an array")
			}
			js.Enum = list
		case "errorMessage":
			js.ErrorMessage = v
		default:
			p.warn(owner, fmt.Sprintf("property %q: jsonSchema keyword %q is not enforced; ignored", prop, m.key))
		}
	}
	if js.MinLength != nil && js.MaxLength != nil && *js.MinLength > *js.MaxLength {
		return nil, propErr(ErrInvalidProperty, owner, prop, "jsonSchema minLength %d is greater than maxLength %d", *js.MinLength, *js.MaxLength)
	}
	return js, nil
}

// parseRelations reads the "relations" object; each relation stays a
// decoded JSON object until Resolve (defaults depend on the model it ends up
// on after inheritance).
func parseRelations(owner string, raw json.RawMessage) ([]relDef, error) {
	if isNull(raw) {
		return nil, nil
	}
	members, err := objectMembers(raw)
	if err != nil {
		return nil, modelErr(nil, owner, "\"relations\" must be an object")
	}
	rels := make([]relDef, 0, len(members))
	for _, m := range members {
		if m.key == "" {
			return nil, modelErr(ErrInvalidRelation, owner, "a relation name may not be empty")
		}
		if isNull(m.value) || jsonKind(m.value) == 'f' {
			rels = append(rels, relDef{name: m.key})
			continue
		}
		var obj map[string]any
		if jsonKind(m.value) != '{' || json.Unmarshal(m.value, &obj) != nil {
			return nil, relErr(ErrInvalidRelation, owner, m.key, "a relation must be an object")
		}
		rels = append(rels, relDef{name: m.key, raw: obj})
	}
	return rels, nil
}

// parseIndexes reads model-level "indexes" in its three forms:
//
//	{"name": {"keys": {"a": 1, "b": -1}, "options": {"unique": true}}}
//	{"name": {"a": 1, "b": -1}}
//	{"name": {"columns": "a,b", "kind": "unique"}}
//
// Key directions are accepted and ignored (indexes serve both directions).
func parseIndexes(owner string, raw json.RawMessage) ([]indexDef, error) {
	if isNull(raw) {
		return nil, nil
	}
	members, err := objectMembers(raw)
	if err != nil {
		return nil, modelErr(nil, owner, "\"indexes\" must be an object")
	}
	var defs []indexDef
	for _, m := range members {
		if isNull(m.value) || jsonKind(m.value) == 'f' {
			defs = append(defs, indexDef{name: m.key})
			continue
		}
		idx, err := parseIndex(m.value)
		if err != nil {
			return nil, modelErr(nil, owner, "index %q: %v", m.key, err)
		}
		idx.Name = m.key
		defs = append(defs, indexDef{name: m.key, index: idx})
	}
	return defs, nil
}

func parseIndex(raw json.RawMessage) (*Index, error) {
	members, err := objectMembers(raw)
	if err != nil {
		return nil, errors.New("an index must be an object")
	}
	idx := &Index{}
	keys, hasKeys := lookupMember(members, "keys")
	columns, hasColumns := lookupMember(members, "columns")
	switch {
	case hasKeys:
		km, err := objectMembers(keys)
		if err != nil {
			return nil, errors.New("\"keys\" must be an object of property: 1|-1")
		}
		for _, k := range km {
			idx.Fields = append(idx.Fields, k.key)
		}
	case hasColumns:
		var v any
		_ = json.Unmarshal(columns, &v)
		switch v := v.(type) {
		case string:
			for _, c := range strings.Split(v, ",") {
				if c = strings.TrimSpace(c); c != "" {
					idx.Fields = append(idx.Fields, c)
				}
			}
		case []any:
			for _, c := range v {
				s, ok := c.(string)
				if !ok {
					return nil, errors.New("\"columns\" must list property names")
				}
				idx.Fields = append(idx.Fields, s)
			}
		default:
			return nil, errors.New("\"columns\" must be \"a,b\" or [\"a\",\"b\"]")
		}
	default:
		for _, k := range members {
			switch jsonKind(k.value) {
			case '"', 'n', 't', 'f', '[', '{':
				return nil, fmt.Errorf("key %q: expected a direction 1 or -1", k.key)
			}
			idx.Fields = append(idx.Fields, k.key)
		}
	}
	if len(idx.Fields) == 0 {
		return nil, errors.New("an index needs at least one property")
	}
	if hasKeys || hasColumns {
		for _, m := range members {
			var v any
			_ = json.Unmarshal(m.value, &v)
			switch m.key {
			case "unique":
				idx.Unique = idx.Unique || truthy(v)
			case "kind", "type":
				if s, ok := v.(string); ok && strings.EqualFold(s, "unique") {
					idx.Unique = true
				}
			case "options":
				if o, ok := v.(map[string]any); ok && truthy(o["unique"]) {
					idx.Unique = true
				}
			}
		}
	}
	return idx, nil
}

// parseScopes reads "scopes": {name: filter}; a null filter removes an
// inherited scope.
func parseScopes(owner string, raw json.RawMessage) (map[string]any, error) {
	if isNull(raw) {
		return nil, nil
	}
	members, err := objectMembers(raw)
	if err != nil {
		return nil, modelErr(nil, owner, "\"scopes\" must be an object")
	}
	scopes := make(map[string]any, len(members))
	for _, m := range members {
		if isNull(m.value) {
			scopes[m.key] = nil
			continue
		}
		f, err := filterObject(m.value)
		if err != nil {
			return nil, modelErr(nil, owner, "scope %q must be a filter object", m.key)
		}
		scopes[m.key] = f
	}
	return scopes, nil
}

// member is one key of a JSON object, in document order.
type member struct {
	key   string
	value json.RawMessage
}

// objectMembers decodes a JSON object keeping key order. A repeated key
// keeps its first position and its last value, as JSON.parse does.
func objectMembers(raw []byte) ([]member, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err != nil {
		return nil, jsonErr(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, defErr(nil, "expected a JSON object")
	}
	var members []member
	pos := make(map[string]int)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, jsonErr(err)
		}
		key, _ := tok.(string)
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil, jsonErr(err)
		}
		if i, ok := pos[key]; ok {
			members[i].value = value
			continue
		}
		pos[key] = len(members)
		members = append(members, member{key: key, value: value})
	}
	if _, err := dec.Token(); err != nil {
		return nil, jsonErr(err)
	}
	if _, err := dec.Token(); err == nil {
		return nil, defErr(nil, "invalid JSON: data after the top-level object")
	}
	return members, nil
}

func jsonErr(err error) error {
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF // a truncated document, not an empty stream
	}
	return &definitionError{msg: "relstore: invalid JSON: " + err.Error(), cause: err}
}

func lookupMember(members []member, key string) (json.RawMessage, bool) {
	for _, m := range members {
		if m.key == key {
			return m.value, true
		}
	}
	return nil, false
}

// jsonKind returns the first significant byte of a JSON value: '{', '[',
// '"', 't', 'f', 'n', or a digit/'-' for numbers (0 when empty).
func jsonKind(raw []byte) byte {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return 0
	}
	return raw[0]
}

func isNull(raw []byte) bool { return jsonKind(raw) == 'n' }

func stringValue(raw json.RawMessage) (string, error) {
	var s string
	err := json.Unmarshal(raw, &s)
	return s, err
}

func boolValue(raw json.RawMessage) (bool, error) {
	var b bool
	err := json.Unmarshal(raw, &b)
	return b, err
}

// filterObject decodes a JSON object into a filter map.
func filterObject(raw json.RawMessage) (map[string]any, error) {
	if jsonKind(raw) != '{' {
		return nil, errors.New("not an object")
	}
	var f map[string]any
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, err
	}
	return f, nil
}

// nameList reads ["a","b"] or {"a": true, "b": false} (keys with a truthy
// value, in sorted order).
func nameList(raw json.RawMessage) ([]string, error) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	switch v := v.(type) {
	case nil:
		return nil, nil
	case []any:
		list := make([]string, 0, len(v))
		for _, x := range v {
			s, ok := x.(string)
			if !ok {
				return nil, errors.New("must list property names")
			}
			list = appendUnique(list, s)
		}
		return list, nil
	case map[string]any:
		var list []string
		for k, x := range v {
			if truthy(x) {
				list = append(list, k)
			}
		}
		sort.Strings(list)
		return list, nil
	}
	return nil, errors.New("must be an array of property names")
}

// truthy is JavaScript truthiness for decoded JSON values.
func truthy(v any) bool {
	switch v := v.(type) {
	case nil:
		return false
	case bool:
		return v
	case float64:
		return v != 0 && !math.IsNaN(v)
	case string:
		return v != ""
	}
	return true
}

// appendUnique appends the names of add not yet in list.
func appendUnique(list []string, add ...string) []string {
	for _, s := range add {
		if !contains(list, s) {
			list = append(list, s)
		}
	}
	return list
}
