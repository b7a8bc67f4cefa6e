package schema

import (
	"reflect"
	"testing"
)

func TestIDs(t *testing.T) {
	tests := []struct {
		name      string
		doc       string
		names     []string // property order
		ids       []string // IDProperties order
		generated bool     // of the first id
		forceID   bool
	}{
		{"injected first", `{"name": "M", "properties": {"a": "string", "b": "number"}}`,
			[]string{"id", "a", "b"}, []string{"id"}, true, true},
		{"idInjection false with custom id", `{"name": "M", "idInjection": false, "properties": {"slug": {"type": "string", "id": true}, "label": "string"}}`,
			[]string{"slug", "label"}, []string{"slug"}, false, false},
		{"custom id suppresses injection", `{"name": "M", "properties": {"a": "string", "code": {"type": "number", "id": true, "generated": true}}}`,
			[]string{"a", "code"}, []string{"code"}, true, true},
		{"composite by position", `{"name": "M", "properties": {"b": {"type": "string", "id": 2}, "a": {"type": "number", "id": 1}, "c": "string"}}`,
			[]string{"b", "a", "c"}, []string{"a", "b"}, false, false},
		{"positions renumbered", `{"name": "M", "properties": {"x": {"type": "string", "id": 7}, "y": {"type": "string", "id": 3}}}`,
			[]string{"x", "y"}, []string{"y", "x"}, false, false},
		{"two id true keep declaration order", `{"name": "M", "properties": {"x": {"type": "string", "id": true}, "y": {"type": "string", "id": true}}}`,
			[]string{"x", "y"}, []string{"x", "y"}, false, false},
		{"forceId false honoured", `{"name": "M", "forceId": false}`,
			[]string{"id"}, []string{"id"}, true, false},
		{"forceId true honoured on non-generated id", `{"name": "M", "forceId": true, "properties": {"k": {"type": "string", "id": true}}}`,
			[]string{"k"}, []string{"k"}, false, true},
		{"forceId auto", `{"name": "M", "forceId": "auto", "properties": {"k": {"type": "string", "id": true}}}`,
			[]string{"k"}, []string{"k"}, false, false},
		{"declared id without flag becomes the id", `{"name": "M", "properties": {"name": "string", "id": "string"}}`,
			[]string{"name", "id"}, []string{"id"}, false, false},
		{"declared number id without flag is generated", `{"name": "M", "properties": {"id": "number"}}`,
			[]string{"id"}, []string{"id"}, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := mustLoad(t, tt.doc).Model("M")
			if got := m.DeclaredNames(); !reflect.DeepEqual(got, tt.names) {
				t.Errorf("properties = %v, want %v", got, tt.names)
			}
			var ids []string
			for i, p := range m.IDProperties() {
				ids = append(ids, p.Name)
				if p.ID != i+1 {
					t.Errorf("%s.ID = %d, want %d", p.Name, p.ID, i+1)
				}
			}
			if !reflect.DeepEqual(ids, tt.ids) {
				t.Errorf("ids = %v, want %v", ids, tt.ids)
			}
			if g := m.IDProperties()[0].Generated; g != tt.generated {
				t.Errorf("generated = %v, want %v", g, tt.generated)
			}
			if m.ForceID != tt.forceID {
				t.Errorf("ForceID = %v, want %v", m.ForceID, tt.forceID)
			}
			if m.IDName() != tt.ids[0] {
				t.Errorf("IDName = %q", m.IDName())
			}
		})
	}
}

func TestInjectedIDShape(t *testing.T) {
	p := mustLoad(t, `{"name": "M"}`).Model("M").Properties[0]
	want := &Property{Name: "id", Type: Type{Kind: KindNumber}, ID: 1, Generated: true}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("injected id = %+v, want %+v", p, want)
	}
}

func TestMissingID(t *testing.T) {
	_, _, err := loadDocs(t, `{"name": "Log", "idInjection": false, "properties": {"msg": "string"}}`)
	wantErr(t, err, ErrMissingID, `model "Log"`, "needs an id")

	// Not persisted: no id is fine.
	m := mustLoad(t, `{"name": "Note", "base": "Model", "idInjection": false, "properties": {"msg": "string"}}`).Model("Note")
	if m.Persisted || len(m.IDProperties()) != 0 {
		t.Errorf("Note: persisted %v, ids %v", m.Persisted, m.IDProperties())
	}
}

func TestBases(t *testing.T) {
	tests := []struct {
		name      string
		base      string
		wantBase  string
		persisted bool
	}{
		{"default", ``, "PersistedModel", true},
		{"PersistedModel", `"base": "PersistedModel",`, "PersistedModel", true},
		{"lower-case builtin", `"base": "persistedmodel",`, "PersistedModel", true},
		{"super", `"super": "Model",`, "Model", false},
		{"base wins over super", `"super": "Model", "base": "PersistedModel",`, "PersistedModel", true},
		{"Model", `"base": "Model",`, "Model", false},
		{"KeyValueModel", `"base": "KeyValueModel",`, "KeyValueModel", false},
		{"user base", `"base": "Parent",`, "Parent", true},
		{"user base of a Model", `"base": "Plain",`, "Plain", false},
		{"user base case-insensitive", `"base": "parent",`, "Parent", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := mustLoad(t, `{"name": "Child", `+tt.base+` "properties": {"c": "string"}}`,
				`{"name": "Parent"}`, `{"name": "Plain", "base": "Model"}`)
			m := set.Model("Child")
			if m.Base != tt.wantBase || m.Persisted != tt.persisted {
				t.Errorf("Base %q Persisted %v, want %q %v", m.Base, m.Persisted, tt.wantBase, tt.persisted)
			}
		})
	}
}

func TestUserModelNamedLikeBuiltin(t *testing.T) {
	set := mustLoad(t, `{"name": "Member", "base": "User"}`, `{"name": "User", "properties": {"email": "string"}}`)
	if m := set.Model("Member"); m.Base != "User" || m.Property("email") == nil {
		t.Errorf("Member base %q, props %v", m.Base, m.DeclaredNames())
	}
}

func TestBaseRefusals(t *testing.T) {
	tests := []struct {
		name      string
		docs      []string
		sentinel  error
		fragments []string
	}{
		{"User", []string{`{"name": "Member", "base": "User"}`}, ErrUnsupportedBase,
			[]string{`model "Member"`, `base "User"`, "authentication/built-in models are not supported"}},
		{"AccessToken", []string{`{"name": "Tok", "base": "AccessToken"}`}, ErrUnsupportedBase, []string{`model "Tok"`, `"AccessToken"`}},
		{"ACL", []string{`{"name": "A", "base": "ACL"}`}, ErrUnsupportedBase, []string{`"ACL"`}},
		{"Role", []string{`{"name": "A", "base": "Role"}`}, ErrUnsupportedBase, []string{`"Role"`}},
		{"RoleMapping", []string{`{"name": "A", "base": "RoleMapping"}`}, ErrUnsupportedBase, []string{`"RoleMapping"`}},
		{"Application", []string{`{"name": "A", "base": "Application"}`}, ErrUnsupportedBase, []string{`"Application"`}},
		{"Email", []string{`{"name": "A", "base": "Email"}`}, ErrUnsupportedBase, []string{`"Email"`}},
		{"Change", []string{`{"name": "A", "base": "Change"}`}, ErrUnsupportedBase, []string{`"Change"`}},
		{"Checkpoint", []string{`{"name": "A", "base": "Checkpoint"}`}, ErrUnsupportedBase, []string{`"Checkpoint"`}},
		{"Scope", []string{`{"name": "A", "base": "Scope"}`}, ErrUnsupportedBase, []string{`"Scope"`}},
		{"undefined", []string{`{"name": "A", "base": "Ghost"}`}, ErrUndefinedModel, []string{`model "A"`, `base model "Ghost" is not defined`}},
		{"self", []string{`{"name": "A", "base": "A"}`}, ErrBaseCycle, []string{`model "A"`, "own base"}},
		{"cycle", []string{`{"name": "A", "base": "B"}`, `{"name": "B", "base": "C"}`, `{"name": "C", "base": "A"}`}, ErrBaseCycle,
			[]string{"own base"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := loadDocs(t, tt.docs...)
			wantErr(t, err, tt.sentinel, tt.fragments...)
		})
	}
}

func TestInheritance(t *testing.T) {
	set := mustLoad(t,
		// The child comes first: bases are resolved at Resolve time.
		`{"name": "Child", "base": "Parent", "strict": true,
		  "properties": {"b": {"type": "number", "required": true}, "c": null, "own": "string"},
		  "excludeBaseProperties": ["d"],
		  "hidden": ["h2"], "protected": ["p2"],
		  "relations": {"r1": {"type": "belongsTo", "model": "Other", "foreignKey": "otherId2"}, "r2": null, "r3": {"type": "hasMany", "model": "Other"}},
		  "indexes": {"i1": {"own": 1}, "i2": null},
		  "scopes": {"s1": {"where": {"x": 2}}, "s2": null},
		  "settings1": "child", "settings2": null}`,
		`{"name": "Parent", "idInjection": true, "forceId": false, "plural": "Parentz", "http": {"path": "p"},
		  "properties": {"a": "string", "b": "string", "c": "string", "d": "string"},
		  "hidden": ["h1"], "protected": ["p1"],
		  "relations": {"r1": {"type": "belongsTo", "model": "Other"}, "r2": {"type": "belongsTo", "model": "Other"}},
		  "indexes": {"i1": {"a": 1}, "i2": {"b": 1}, "i3": {"c": 1}},
		  "scope": {"where": {"base": true}},
		  "scopes": {"s1": {"where": {"x": 1}}, "s2": {"where": {"y": 1}}, "s3": {"limit": 1}},
		  "settings1": "parent", "settings2": "parent", "settings3": "parent"}`,
		`{"name": "Other"}`)
	m := set.Model("Child")
	if got, want := m.DeclaredNames(), []string{"id", "a", "b", "own", "otherId2"}; !reflect.DeepEqual(got, want) {
		t.Errorf("properties = %v, want %v", got, want)
	}
	if got, want := set.Model("Other").DeclaredNames(), []string{"id", "childId"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Other properties = %v, want %v (hasMany FK lives on the target)", got, want)
	}
	if b := m.Property("b"); b.Type.Kind != KindNumber || !b.Required {
		t.Errorf("b = %+v, want the child's definition", b)
	}
	if m.Plural != "Children" || m.HTTPPath != "" {
		t.Errorf("plural %q httpPath %q: name-derived settings must not be inherited", m.Plural, m.HTTPPath)
	}
	if m.ForceID || m.Strict != StrictTrue || !m.IDInjection {
		t.Errorf("forceId %v strict %v idInjection %v", m.ForceID, m.Strict, m.IDInjection)
	}
	if !reflect.DeepEqual(m.Hidden, []string{"h1", "h2"}) || !reflect.DeepEqual(m.Protected, []string{"p1", "p2"}) {
		t.Errorf("hidden %v protected %v", m.Hidden, m.Protected)
	}
	var rels []string
	for _, r := range m.Relations {
		rels = append(rels, r.Name+":"+r.ForeignKey)
	}
	if want := []string{"r1:otherId2", "r3:childId"}; !reflect.DeepEqual(rels, want) {
		t.Errorf("relations = %v, want %v", rels, want)
	}
	var idx []string
	for _, x := range m.Indexes {
		idx = append(idx, x.Name)
	}
	if want := []string{"i1", "i3", "fk_otherId2"}; !reflect.DeepEqual(idx, want) {
		t.Errorf("indexes = %v, want %v", idx, want)
	}
	if want := map[string]any{"where": map[string]any{"base": true}}; !reflect.DeepEqual(m.Scope, want) {
		t.Errorf("scope = %v (inherited when the child sets none)", m.Scope)
	}
	if len(m.Scopes) != 2 || m.Scopes["s3"] == nil || !reflect.DeepEqual(m.Scopes["s1"], map[string]any{"where": map[string]any{"x": float64(2)}}) {
		t.Errorf("scopes = %v", m.Scopes)
	}
	if want := map[string]any{"settings1": "child", "settings3": "parent"}; !reflect.DeepEqual(m.Settings, want) {
		t.Errorf("settings = %v, want %v", m.Settings, want)
	}
	// The base itself is untouched by its child.
	if got, want := set.Model("Parent").DeclaredNames(), []string{"id", "a", "b", "c", "d", "r1Id", "r2Id"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Parent properties = %v, want %v", got, want)
	}
}

func TestInheritanceIDs(t *testing.T) {
	set := mustLoad(t,
		`{"name": "Base", "idInjection": false, "properties": {"code": {"type": "string", "id": true}, "x": "string"}}`,
		`{"name": "Same", "base": "Base", "properties": {"y": "string"}}`,
		`{"name": "Own", "base": "Base", "properties": {"num": {"type": "number", "id": true, "generated": true}}}`,
		`{"name": "Injected", "base": "Base", "idInjection": true, "excludeBaseProperties": ["code"]}`,
		`{"name": "Scope2", "base": "Base", "scope": null}`)
	if got := set.Model("Same").IDName(); got != "code" {
		t.Errorf("Same id = %q, want inherited code", got)
	}
	own := set.Model("Own")
	if got, want := own.DeclaredNames(), []string{"x", "num"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Own properties = %v, want %v (a sub-model with its own id drops the base id)", got, want)
	}
	if got, want := set.Model("Injected").DeclaredNames(), []string{"id", "x"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Injected properties = %v, want %v", got, want)
	}
}

func TestScopeNullRemovesInheritedScope(t *testing.T) {
	set := mustLoad(t, `{"name": "P", "scope": {"limit": 1}}`, `{"name": "C", "base": "P", "scope": null}`)
	if set.Model("C").Scope != nil || set.Model("P").Scope == nil {
		t.Errorf("C.Scope = %v, P.Scope = %v", set.Model("C").Scope, set.Model("P").Scope)
	}
}

func TestKeyValueModelWarns(t *testing.T) {
	_, warns, err := loadDocs(t, `{"name": "Cache", "base": "KeyValueModel"}`)
	if err != nil {
		t.Fatal(err)
	}
	if want := []warning{{"Cache", "base KeyValueModel: the key-value API is not supported; the model is not persisted"}}; !reflect.DeepEqual(warns, want) {
		t.Errorf("warnings = %q", warns)
	}
}
