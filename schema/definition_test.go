package schema

import (
	"fmt"
	"reflect"
	"testing"
)

func TestPropertyTypes(t *testing.T) {
	str, num := Type{Kind: KindString}, Type{Kind: KindNumber}
	tests := []struct {
		name string
		def  string // the JSON value of property "p"
		want Type
	}{
		{"shorthand string", `"string"`, str},
		{"capitalized String", `"String"`, str},
		{"text", `"Text"`, str},
		{"number", `"number"`, num},
		{"integer", `"integer"`, num},
		{"float", `"Float"`, num},
		{"double", `"double"`, num},
		{"boolean", `"Boolean"`, Type{Kind: KindBoolean}},
		{"date", `"Date"`, Type{Kind: KindDate}},
		{"object", `"object"`, Type{Kind: KindObject}},
		{"JSON", `"JSON"`, Type{Kind: KindObject}},
		{"any", `"any"`, Type{Kind: KindAny}},
		{"array name", `"array"`, Type{Kind: KindArray}},
		{"empty array", `[]`, Type{Kind: KindArray}},
		{"array of string", `["string"]`, Type{Kind: KindArray, Item: &str}},
		{"full array of number", `{"type": ["Number"]}`, Type{Kind: KindArray, Item: &num}},
		{"geopoint", `"GeoPoint"`, Type{Kind: KindGeoPoint}},
		{"buffer", `"buffer"`, Type{Kind: KindBuffer}},
		{"binary", `"Binary"`, Type{Kind: KindBuffer}},
		{"full definition", `{"type": "string", "required": true}`, str},
		{"nested type key", `{"type": {"type": "number"}}`, num},
		{"model name", `"Other"`, Type{Kind: KindModel, Model: "Other"}},
		{"model name case-insensitive", `"other"`, Type{Kind: KindModel, Model: "Other"}},
		{"array of models", `["Other"]`, Type{Kind: KindArray, Item: &Type{Kind: KindModel, Model: "Other"}}},
		{"inline object type", `{"type": {"street": "string", "zip": "number"}}`, Type{Kind: KindModel, Model: "M_p"}},
		{"inline object shorthand", `{"street": "string"}`, Type{Kind: KindModel, Model: "M_p"}},
		{"array of inline objects", `[{"street": "string"}]`, Type{Kind: KindArray, Item: &Type{Kind: KindModel, Model: "M_p"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := mustLoad(t,
				fmt.Sprintf(`{"name": "M", "properties": {"p": %s}}`, tt.def),
				`{"name": "Other", "base": "Model"}`)
			p := set.Model("M").Property("p")
			if p == nil {
				t.Fatal("property p missing")
			}
			if !reflect.DeepEqual(p.Type, tt.want) {
				t.Errorf("type = %s, want %s", typeString(p.Type), typeString(tt.want))
			}
		})
	}
}

func TestInlineObjectModel(t *testing.T) {
	set := mustLoad(t, `{"name": "Customer", "properties": {
		"address": {"type": {"street": "string", "zip": "number", "geo": {"type": {"lat": "number"}}}},
		"after": "string"}}`)
	if want := []string{"Customer", "Customer_address", "Customer_address_geo"}; !reflect.DeepEqual(set.Order, want) {
		t.Errorf("Order = %v, want %v", set.Order, want)
	}
	a := set.Model("Customer_address")
	if a.Persisted || a.IDInjection || a.Strict != StrictFalse || a.Public == nil || *a.Public {
		t.Errorf("anonymous model settings: persisted=%v idInjection=%v strict=%v public=%v; want false,false,false,false",
			a.Persisted, a.IDInjection, a.Strict, a.Public)
	}
	if got, want := a.DeclaredNames(), []string{"street", "zip", "geo"}; !reflect.DeepEqual(got, want) {
		t.Errorf("properties = %v, want %v (declaration order, no id)", got, want)
	}
	if got := a.Property("geo").Type.Model; got != "Customer_address_geo" {
		t.Errorf("nested inline type = %q", got)
	}
}

func TestPropertyOptions(t *testing.T) {
	set, warns, err := loadDocs(t, `{"name": "M", "properties": {
		"a": {"type": "string", "required": true, "default": "x", "hidden": true, "protected": true,
		      "description": "ignored", "doc": "ignored", "comments": "ignored",
		      "postgresql": {"columnName": "A"}, "mysql": {}, "mongodb": {}, "length": 20},
		"b": {"type": "date", "defaultFn": "now", "index": true},
		"c": {"type": "string", "defaultFn": "uuidv4", "unique": true},
		"d": {"type": "string", "defaultFn": "sequence", "required": {"message": "needed"}},
		"e": {"type": "number", "index": {"unique": true}},
		"f": {"type": "number", "index": false, "required": false}
	}}`)
	if err != nil {
		t.Fatal(err)
	}
	m := set.Model("M")
	a := m.Property("a")
	if !a.Required || a.Default != "x" || !a.Hidden || !a.Protected {
		t.Errorf("a = %+v", a)
	}
	if !m.IsHidden("a") || !m.IsProtected("a") {
		t.Errorf("property-level hidden/protected not in model lists: %v %v", m.Hidden, m.Protected)
	}
	if b := m.Property("b"); b.DefaultFn != "now" || !b.Index || b.Unique {
		t.Errorf("b = %+v", b)
	}
	if c := m.Property("c"); c.DefaultFn != "uuidv4" || !c.Unique {
		t.Errorf("c = %+v", c)
	}
	if d := m.Property("d"); d.DefaultFn != "" || !d.Required {
		t.Errorf("d = %+v (unknown defaultFn must be dropped, required object means true)", d)
	}
	if e := m.Property("e"); !e.Index || !e.Unique {
		t.Errorf("e = %+v", e)
	}
	if f := m.Property("f"); f.Index || f.Required {
		t.Errorf("f = %+v", f)
	}
	wantIdx := []*Index{
		{Name: "b_idx", Fields: []string{"b"}},
		{Name: "c_idx", Fields: []string{"c"}, Unique: true},
		{Name: "e_idx", Fields: []string{"e"}, Unique: true},
	}
	if !reflect.DeepEqual(m.Indexes, wantIdx) {
		t.Errorf("indexes = %s, want %s", indexesString(m.Indexes), indexesString(wantIdx))
	}
	if want := []warning{{"M", `property "d": unknown defaultFn "sequence" ignored`}}; !reflect.DeepEqual(warns, want) {
		t.Errorf("warnings = %q, want %q", warns, want)
	}
}

func indexesString(idx []*Index) string {
	s := ""
	for _, x := range idx {
		s += fmt.Sprintf("%+v ", *x)
	}
	return s
}

func TestJSONSchema(t *testing.T) {
	set, warns, err := loadDocs(t, `{"name": "M", "properties": {"code": {"type": "string", "jsonSchema": {
		"minLength": 2, "maxLength": 8, "pattern": "^[A-Z]+$", "format": "uuid", "enum": ["AB", "CD"],
		"minimum": 1.5, "maximum": 9, "errorMessage": {"pattern": "upper case"}, "exclusiveMaximum": 10}}}}`)
	if err != nil {
		t.Fatal(err)
	}
	js := set.Model("M").Property("code").JSONSchema
	if js == nil {
		t.Fatal("jsonSchema missing")
	}
	if *js.MinLength != 2 || *js.MaxLength != 8 || js.Pattern != "^[A-Z]+$" || js.Format != "uuid" ||
		!reflect.DeepEqual(js.Enum, []any{"AB", "CD"}) || *js.Minimum != 1.5 || *js.Maximum != 9 ||
		!reflect.DeepEqual(js.ErrorMessage, map[string]any{"pattern": "upper case"}) {
		t.Errorf("jsonSchema = %+v", js)
	}
	if want := []warning{{"M", `property "code": jsonSchema keyword "exclusiveMaximum" is not enforced; ignored`}}; !reflect.DeepEqual(warns, want) {
		t.Errorf("warnings = %q, want %q", warns, want)
	}
}

func TestPropertyRefusals(t *testing.T) {
	tests := []struct {
		name      string
		props     string
		sentinel  error
		fragments []string
	}{
		{"dot in name", `{"a.b": "string"}`, ErrInvalidProperty, []string{`model "M"`, `property "a.b"`, "dot"}},
		{"constructor", `{"constructor": "string"}`, ErrInvalidProperty, []string{`property "constructor"`, "not allowed"}},
		{"empty name", `{"": "string"}`, ErrInvalidProperty, []string{`model "M"`, "empty"}},
		{"no type", `{"a": {"required": true}}`, ErrInvalidProperty, []string{`property "a"`, `no "type"`}},
		{"null type", `{"a": {"type": null}}`, ErrInvalidProperty, []string{`property "a"`, `no "type"`}},
		{"numeric type", `{"a": {"type": 3}}`, ErrInvalidProperty, []string{`property "a"`, "invalid type 3"}},
		{"true value", `{"a": true}`, ErrInvalidProperty, []string{`property "a"`}},
		{"empty type name", `{"a": ""}`, ErrInvalidProperty, []string{`property "a"`, "empty type name"}},
		{"unknown type", `{"a": "Strnig"}`, ErrUnknownType, []string{`model "M"`, `property "a"`, `unknown type "Strnig"`}},
		{"unknown item type", `{"a": ["Nope"]}`, ErrUnknownType, []string{`property "a"`, `"Nope"`}},
		{"bad pattern", `{"a": {"type": "string", "jsonSchema": {"pattern": "a(b"}}}`, ErrInvalidProperty,
			[]string{`property "a"`, `"pattern" "a(b" does not compile`}},
		{"bad minLength", `{"a": {"type": "string", "jsonSchema": {"minLength": -1}}}`, ErrInvalidProperty, []string{`"minLength" must be a non-negative integer`}},
		{"min over max", `{"a": {"type": "string", "jsonSchema": {"minLength": 5, "maxLength": 1}}}`, ErrInvalidProperty, []string{"greater than maxLength"}},
		{"bad enum", `{"a": {"type": "string", "jsonSchema": {"enum": "x"}}}`, ErrInvalidProperty, []string{`"enum" must be an array`}},
		{"bad id", `{"a": {"type": "string", "id": "yes"}}`, ErrInvalidProperty, []string{`"id" must be true or a position`}},
		{"fractional id", `{"a": {"type": "string", "id": 1.5}}`, ErrInvalidProperty, []string{`"id" must be true or a position`}},
		{"bad defaultFn", `{"a": {"type": "string", "defaultFn": 1}}`, ErrInvalidProperty, []string{`"defaultFn" must be a string`}},
		{"properties not object", `[]`, nil, []string{`"properties" must be an object`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := loadDocs(t, fmt.Sprintf(`{"name": "M", "properties": %s}`, tt.props))
			wantErr(t, err, tt.sentinel, tt.fragments...)
		})
	}
}

func TestModelIndexes(t *testing.T) {
	tests := []struct {
		name    string
		indexes string
		props   string
		want    []*Index
	}{
		{"keys and options", `{"ab": {"keys": {"a": 1, "b": -1}, "options": {"unique": true}}}`, "",
			[]*Index{{Name: "ab", Fields: []string{"a", "b"}, Unique: true}}},
		{"short form", `{"ba": {"b": 1, "a": -1}}`, "",
			[]*Index{{Name: "ba", Fields: []string{"b", "a"}}}},
		{"columns string", `{"c": {"columns": "a, b", "kind": "unique"}}`, "",
			[]*Index{{Name: "c", Fields: []string{"a", "b"}, Unique: true}}},
		{"columns array", `{"c": {"columns": ["b"], "unique": true}}`, "",
			[]*Index{{Name: "c", Fields: []string{"b"}, Unique: true}}},
		{"property index after model indexes", `{"ab": {"a": 1, "b": 1}}`, `, "b": {"type": "string", "index": true}`,
			[]*Index{{Name: "ab", Fields: []string{"a", "b"}}, {Name: "b_idx", Fields: []string{"b"}}}},
		{"declared index covers property index", `{"mine": {"b": 1}}`, `, "b": {"type": "string", "index": true}`,
			[]*Index{{Name: "mine", Fields: []string{"b"}}}},
		{"unique property beside plain index", `{"mine": {"b": 1}}`, `, "b": {"type": "string", "unique": true}`,
			[]*Index{{Name: "mine", Fields: []string{"b"}}, {Name: "b_idx", Fields: []string{"b"}, Unique: true}}},
		{"name taken", `{"b_idx": {"a": 1}}`, `, "b": {"type": "string", "index": true}`,
			[]*Index{{Name: "b_idx", Fields: []string{"a"}}, {Name: "b_idx_2", Fields: []string{"b"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := mustLoad(t, fmt.Sprintf(`{"name": "M", "indexes": %s, "properties": {"a": "string"%s}}`, tt.indexes, tt.props))
			got := set.Model("M").Indexes
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("indexes = %s, want %s", indexesString(got), indexesString(tt.want))
			}
		})
	}
}

func TestIndexOnUndeclaredPropertyWarns(t *testing.T) {
	_, warns, err := loadDocs(t, `{"name": "M", "indexes": {"x": {"ghost": 1, "a.sub": 1}}, "properties": {"a": "object"}}`)
	if err != nil {
		t.Fatal(err)
	}
	if want := []warning{{"M", `index "x": "ghost" is not a declared property`}}; !reflect.DeepEqual(warns, want) {
		t.Errorf("warnings = %q, want %q", warns, want)
	}
}

func TestIndexRefusals(t *testing.T) {
	tests := []struct{ name, indexes, fragment string }{
		{"not object", `{"x": 1}`, "an index must be an object"},
		{"empty", `{"x": {}}`, "at least one property"},
		{"string direction", `{"x": {"a": "asc"}}`, `key "a": expected a direction`},
		{"bad columns", `{"x": {"columns": 3}}`, `"columns" must be`},
		{"bad keys", `{"x": {"keys": ["a"]}}`, `"keys" must be an object`},
		{"indexes not object", `[]`, `"indexes" must be an object`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := loadDocs(t, fmt.Sprintf(`{"name": "M", "indexes": %s}`, tt.indexes))
			wantErr(t, err, nil, `model "M"`, tt.fragment)
		})
	}
}

func TestStrict(t *testing.T) {
	tests := []struct {
		value string
		want  Strict
	}{
		{"", StrictFalse},
		{`, "strict": false`, StrictFalse},
		{`, "strict": true`, StrictTrue},
		{`, "strict": "filter"`, StrictFilter},
		{`, "strict": "throw"`, StrictTrue},
		{`, "strict": "validate"`, StrictTrue},
		{`, "strict": null`, StrictFalse},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			set := mustLoad(t, `{"name": "M"`+tt.value+`}`)
			if got := set.Model("M").Strict; got != tt.want {
				t.Errorf("Strict = %q, want %q", got, tt.want)
			}
		})
	}
	_, _, err := loadDocs(t, `{"name": "M", "strict": "lenient"}`)
	wantErr(t, err, nil, `model "M"`, `"strict" must be`, `"lenient"`)
}

func TestModelSettings(t *testing.T) {
	set := mustLoad(t, `{"name": "Person", "plural": "people", "hidden": ["password", "password"],
		"protected": {"email": true, "phone": false}, "http": {"path": "/folks/"},
		"scope": {"where": {"active": true}, "order": "name"},
		"scopes": {"adults": {"where": {"age": {"gte": 18}}}, "none": null},
		"replaceOnPUT": false, "allowExtendedOperators": true, "memory": {"collection": "x"},
		"properties": {"name": "string"}}`)
	m := set.Model("Person")
	if m.Plural != "people" || m.HTTPPath != "folks" || m.PluralPath() != "folks" {
		t.Errorf("plural %q, httpPath %q, path %q", m.Plural, m.HTTPPath, m.PluralPath())
	}
	if !reflect.DeepEqual(m.Hidden, []string{"password"}) || !reflect.DeepEqual(m.Protected, []string{"email"}) {
		t.Errorf("hidden %v protected %v", m.Hidden, m.Protected)
	}
	if want := map[string]any{"where": map[string]any{"active": true}, "order": "name"}; !reflect.DeepEqual(m.Scope, want) {
		t.Errorf("scope = %v", m.Scope)
	}
	if want := map[string]any{"adults": map[string]any{"where": map[string]any{"age": map[string]any{"gte": float64(18)}}}}; !reflect.DeepEqual(m.Scopes, want) {
		t.Errorf("scopes = %v", m.Scopes)
	}
	if want := map[string]any{"replaceOnPUT": false, "allowExtendedOperators": true}; !reflect.DeepEqual(m.Settings, want) {
		t.Errorf("settings = %v", m.Settings)
	}
}

func TestModelKeyRefusals(t *testing.T) {
	tests := []struct{ name, doc, fragment string }{
		{"plural", `{"name": "M", "plural": 1}`, `"plural" must be a string`},
		{"base", `{"name": "M", "base": {}}`, `"base" must be a model name`},
		{"idInjection", `{"name": "M", "idInjection": "yes"}`, `"idInjection" must be true or false`},
		{"forceId", `{"name": "M", "forceId": "always"}`, `"forceId" must be true, false or "auto"`},
		{"hidden", `{"name": "M", "hidden": "password"}`, `"hidden": must be an array`},
		{"hidden items", `{"name": "M", "hidden": [1]}`, `must list property names`},
		{"scope", `{"name": "M", "scope": "where"}`, `"scope" must be a filter object`},
		{"scopes", `{"name": "M", "scopes": {"a": 1}}`, `scope "a" must be a filter object`},
		{"http", `{"name": "M", "http": "x"}`, `"http" must be an object`},
		{"http.path", `{"name": "M", "http": {"path": 1}}`, `"http.path" must be a string`},
		{"relations", `{"name": "M", "relations": []}`, `"relations" must be an object`},
		{"relation", `{"name": "M", "relations": {"r": "Other"}}`, `relation "r": a relation must be an object`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := loadDocs(t, tt.doc)
			wantErr(t, err, nil, `model "M"`, tt.fragment)
		})
	}
}

func TestDuplicateJSONKeysLastWins(t *testing.T) {
	set := mustLoad(t, `{"name": "M", "properties": {"a": "string", "b": "string", "a": "number"}}`)
	m := set.Model("M")
	if got, want := m.DeclaredNames(), []string{"id", "a", "b"}; !reflect.DeepEqual(got, want) {
		t.Errorf("names = %v, want %v", got, want)
	}
	if m.Property("a").Type.Kind != KindNumber {
		t.Errorf("a = %s, want number (last value wins)", m.Property("a").Type.Kind)
	}
}
