package schema

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

// warning is one LoadOptions.Warn call.
type warning struct{ model, msg string }

// loadDocs adds docs in order and resolves them, collecting warnings.
func loadDocs(t *testing.T, docs ...string) (*Set, []warning, error) {
	t.Helper()
	var warns []warning
	l := NewLoader(&LoadOptions{Warn: func(model, msg string) { warns = append(warns, warning{model, msg}) }})
	for _, d := range docs {
		if err := l.Add([]byte(d)); err != nil {
			return nil, warns, err
		}
	}
	set, err := l.Resolve()
	return set, warns, err
}

// mustLoad is loadDocs that fails the test on error.
func mustLoad(t *testing.T, docs ...string) *Set {
	t.Helper()
	set, _, err := loadDocs(t, docs...)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	return set
}

// wantErr checks that err wraps ErrInvalidDefinition and sentinel (when not
// nil) and that its message contains every fragment.
func wantErr(t *testing.T, err, sentinel error, fragments ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want one containing %q", fragments)
	}
	if !errors.Is(err, ErrInvalidDefinition) {
		t.Errorf("error %q does not wrap ErrInvalidDefinition", err)
	}
	if sentinel != nil && !errors.Is(err, sentinel) {
		t.Errorf("error %q does not wrap %v", err, sentinel)
	}
	for _, f := range fragments {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("error %q does not contain %q", err, f)
		}
	}
}

func TestAddRefusals(t *testing.T) {
	tests := []struct {
		name      string
		docs      []string
		sentinel  error
		fragments []string
	}{
		{"invalid JSON", []string{`{"name": "A",`}, nil, []string{"invalid JSON"}},
		{"not an object", []string{`["A"]`}, nil, []string{"expected a JSON object"}},
		{"trailing data", []string{`{"name": "A"} {}`}, nil, []string{"data after"}},
		{"missing name", []string{`{"properties": {}}`}, nil, []string{`no "name"`}},
		{"empty name", []string{`{"name": ""}`}, nil, []string{`no "name"`}},
		{"non-string name", []string{`{"name": 3}`}, nil, []string{`"name" must be a string`}},
		{"slash in name", []string{`{"name": "a/b"}`}, nil, []string{`model "a/b"`, `"/"`}},
		{"duplicate", []string{`{"name": "A"}`, `{"name": "A"}`}, ErrDuplicateModel, []string{`model "A"`, "more than once"}},
		{"inline model clashes", []string{`{"name": "A_b"}`, `{"name": "A", "properties": {"b": {"type": {"x": "string"}}}}`},
			ErrDuplicateModel, []string{`model "A_b"`, `inline type model of "A"`}},
		{"later model clashes with inline", []string{`{"name": "A", "properties": {"b": {"type": {"x": "string"}}}}`, `{"name": "A_b"}`},
			ErrDuplicateModel, []string{`model "A_b"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := loadDocs(t, tt.docs...)
			wantErr(t, err, tt.sentinel, tt.fragments...)
		})
	}
}

func TestAddDirOrderAndConfig(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"b-order.json":      `{"name": "Order", "relations": {"customer": {"type": "belongsTo", "model": "Customer"}}}`,
		"a-customer.json":   `{"name": "Customer"}`,
		"c-hidden.json":     `{"name": "Audit"}`,
		"model-config.json": `{"_meta": {"sources": []}, "Audit": {"dataSource": "db", "public": false}, "Customer": {"dataSource": "mongo", "public": true}, "Ghost": {"dataSource": "db"}, "AccessToken": {"dataSource": "db"}}`,
		"README.md":         `not a model`,
		"helper.js":         `module.exports = {}`,
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "sub.json"), 0o755); err != nil {
		t.Fatal(err)
	}
	var warns []warning
	set, err := LoadDir(dir, &LoadOptions{Warn: func(m, msg string) { warns = append(warns, warning{m, msg}) }})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"Customer", "Order", "Audit"}; !reflect.DeepEqual(set.Order, want) {
		t.Errorf("Order = %v, want %v (file-name order)", set.Order, want)
	}
	if p := set.Model("Audit").Public; p == nil || *p {
		t.Errorf("Audit.Public = %v, want false", p)
	}
	if p := set.Model("Customer").Public; p == nil || !*p {
		t.Errorf("Customer.Public = %v, want true", p)
	}
	if p := set.Model("Order").Public; p != nil {
		t.Errorf("Order.Public = %v, want nil (not in model-config)", *p)
	}
	wantWarn := []warning{
		{"Customer", `model-config: dataSource "mongo" is not known; relstore keeps the model in its own store`},
		{"Ghost", "model-config: no model of this name is defined; entry ignored"},
		{"AccessToken", "model-config: built-in LoopBack model is not supported; entry ignored"},
	}
	if !reflect.DeepEqual(warns, wantWarn) {
		t.Errorf("warnings = %q, want %q", warns, wantWarn)
	}
}

func TestAddDirErrors(t *testing.T) {
	t.Run("missing directory", func(t *testing.T) {
		_, err := LoadDir(filepath.Join(t.TempDir(), "nope"), nil)
		if !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("err = %v, want fs.ErrNotExist", err)
		}
		if errors.Is(err, ErrInvalidDefinition) {
			t.Errorf("I/O error %v should not be a definition error", err)
		}
	})
	t.Run("bad file is named", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "01-bad.json"), []byte(`{"name": "Bad", "properties": {"a.b": "string"}}`), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := LoadDir(dir, nil)
		wantErr(t, err, ErrInvalidProperty, "01-bad.json", `model "Bad"`, `property "a.b"`, "dot")
		if strings.Count(err.Error(), "relstore:") != 1 {
			t.Errorf("error %q repeats the relstore: prefix", err)
		}
	})
	t.Run("bad model-config", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "model-config.json"), []byte(`{"A": {"public": "no"}}`), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := LoadDir(dir, nil)
		wantErr(t, err, nil, "model-config.json", `model "A"`, `"public" must be true or false`)
	})
}

func TestAddFS(t *testing.T) {
	fsys := fstest.MapFS{
		"models/2-post.json":        {Data: []byte(`{"name": "Post", "relations": {"author": {"type": "belongsTo", "model": "Author"}}}`)},
		"models/1-author.json":      {Data: []byte(`{"name": "Author", "plural": "writers"}`)},
		"models/model-config.json":  {Data: []byte(`{"Post": {"public": false}}`)},
		"models/nested/3-skip.json": {Data: []byte(`{"name": "Skipped"}`)},
	}
	l := NewLoader(nil)
	if err := l.AddFS(fsys, "models"); err != nil {
		t.Fatal(err)
	}
	set, err := l.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"Author", "Post"}; !reflect.DeepEqual(set.Order, want) {
		t.Errorf("Order = %v, want %v", set.Order, want)
	}
	if got := set.Model("Author").PluralPath(); got != "writers" {
		t.Errorf("Author path = %q, want writers", got)
	}
	if p := set.Model("Post").Public; p == nil || *p {
		t.Errorf("Post.Public = %v, want false", p)
	}
	err = NewLoader(nil).AddFS(fstest.MapFS{"m/x.json": {Data: []byte(`{"nam": 1}`)}}, "m")
	wantErr(t, err, nil, "m/x.json", `no "name"`)
}

func TestWarningsOncePerKeyPerModel(t *testing.T) {
	_, warns, err := loadDocs(t,
		`{"name": "A", "acls": [], "methods": {}, "mixins": {"TimeStamp": true}, "validations": [],
		  "options": {"validateUpsert": true}, "remoting": {}, "http": {"path": "as", "verbs": ["get"]},
		  "mongodb": {"collection": "a"}, "description": "silently ignored"}`,
		`{"name": "B", "acls": []}`)
	if err != nil {
		t.Fatal(err)
	}
	want := []warning{
		{"A", `key "acls" is not supported by relstore; ignored`},
		{"A", `key "methods" is not supported by relstore; ignored`},
		{"A", `key "mixins" is not supported by relstore; ignored`},
		{"A", `key "validations" is not supported by relstore; ignored`},
		{"A", `key "options" is not supported by relstore; ignored`},
		{"A", `key "remoting" is not supported by relstore; ignored`},
		{"A", `key "http": settings other than "path" are not supported; ignored: verbs`},
		{"B", `key "acls" is not supported by relstore; ignored`},
	}
	if !reflect.DeepEqual(warns, want) {
		t.Errorf("warnings:\n got %q\nwant %q", warns, want)
	}
}

func TestNilWarnAndZeroOptions(t *testing.T) {
	for _, opts := range []*LoadOptions{nil, {}} {
		l := NewLoader(opts)
		if err := l.Add([]byte(`{"name": "A", "acls": []}`)); err != nil {
			t.Fatal(err)
		}
		if _, err := l.Resolve(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestResolveTwiceIsIndependent(t *testing.T) {
	l := NewLoader(nil)
	for _, d := range []string{
		`{"name": "Customer", "scope": {"where": {"a": 1}}, "properties": {"name": {"type": "string", "default": {"x": [1]}}}}`,
		`{"name": "Order", "properties": {"customerId": "string"}, "relations": {"customer": {"type": "belongsTo", "model": "Customer"}}}`,
	} {
		if err := l.Add([]byte(d)); err != nil {
			t.Fatal(err)
		}
	}
	first, err := l.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	// Mutating the first result must not leak into the second.
	first.Model("Customer").Scope["where"] = "changed"
	first.Model("Customer").Property("name").Default.(map[string]any)["x"] = "changed"
	second, err := l.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(second.Model("Customer").Scope, map[string]any{"where": map[string]any{"a": float64(1)}}) {
		t.Errorf("second Resolve sees the mutated scope: %v", second.Model("Customer").Scope)
	}
	if got := second.Model("Customer").Property("name").Default; !reflect.DeepEqual(got, map[string]any{"x": []any{float64(1)}}) {
		t.Errorf("second Resolve sees the mutated default: %v", got)
	}
	if k := second.Model("Order").Property("customerId").Type.Kind; k != KindNumber {
		t.Errorf("customerId kind = %s, want number (reset to the target id type)", k)
	}
	// Adding after a Resolve is allowed.
	if err := l.Add([]byte(`{"name": "Late"}`)); err != nil {
		t.Fatal(err)
	}
	third, err := l.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	if third.Model("Late") == nil {
		t.Error("model added after Resolve is missing")
	}
}
