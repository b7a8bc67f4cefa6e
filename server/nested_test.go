package server

import (
	"context"
	"net/http"
	"testing"

	"github.com/relstore/relstore/engine"
)

// nestedModels: Author hasMany books (nestRemoting, options.path
// "writings", http.path "works"), Book hasMany chapters, belongsTo author
// (nestRemoting), has a "cover_art" relation (underscore: never nested) and
// embeds a blurb (an embedded parent is never nested).
var nestedModels = []string{
	`{"name": "Author", "base": "PersistedModel", "properties": {"name": "string"},
	  "relations": {"books": {"type": "hasMany", "model": "Book", "foreignKey": "authorId",
	                          "options": {"nestRemoting": true, "path": "writings", "http": {"path": "works"}}}}}`,
	`{"name": "Book", "base": "PersistedModel", "properties": {"title": "string"},
	  "relations": {"chapters": {"type": "hasMany", "model": "Chapter", "foreignKey": "bookId"},
	                "author": {"type": "belongsTo", "model": "Author", "foreignKey": "authorId", "options": {"nestRemoting": true}},
	                "cover_art": {"type": "hasOne", "model": "Chapter", "foreignKey": "coverOf"},
	                "blurb": {"type": "embedsOne", "model": "Blurb", "property": "blurbData", "options": {"nestRemoting": true}}}}`,
	`{"name": "Chapter", "base": "PersistedModel", "properties": {"n": "number"}}`,
	`{"name": "Blurb", "base": "Model", "properties": {"text": "string"},
	  "relations": {"chapters": {"type": "hasMany", "model": "Chapter", "foreignKey": "blurbId"}}}`,
}

func newNestedServer(t *testing.T, opts Options) (*server, *engine.DB) {
	t.Helper()
	return newServerWith(t, nestedModels, opts)
}

func TestNestedRouteLookup(t *testing.T) {
	s, _ := newNestedServer(t, Options{})
	rt := s.routes()
	tests := []struct {
		name      string
		method    string
		path      string
		wantRoute string // "" = no route
		wantID    string
		wantNK    string
		wantFK    string
	}{
		{"nested list", "GET", "Authors/1/writings/2/chapters", "prototype.__get__books__chapters", "1", "2", ""},
		{"nested create", "POST", "Authors/1/writings/2/chapters", "prototype.__create__books__chapters", "1", "2", ""},
		{"nested delete all", "DELETE", "Authors/1/writings/2/chapters", "prototype.__delete__books__chapters", "1", "2", ""},
		{"nested count", "GET", "Authors/1/writings/2/chapters/count", "prototype.__count__books__chapters", "1", "2", ""},
		{"nested findById", "GET", "Authors/1/writings/2/chapters/3", "prototype.__findById__books__chapters", "1", "2", "3"},
		{"nested updateById", "PUT", "Authors/1/writings/2/chapters/3", "prototype.__updateById__books__chapters", "1", "2", "3"},
		{"nested destroyById", "DELETE", "Authors/1/writings/2/chapters/3", "prototype.__destroyById__books__chapters", "1", "2", "3"},
		{"nested belongsTo", "GET", "Authors/1/writings/2/author", "prototype.__get__books__author", "1", "2", ""},
		{"the parent route keeps its http.path", "GET", "Authors/1/works/2", "prototype.__findById__books", "1", "", "2"},
		{"nested routes ignore http.path", "GET", "Authors/1/works/2/chapters", "", "", "", ""},
		{"nested routes are not under the name when options.path is set", "GET", "Authors/1/books/2/chapters", "", "", "", ""},
		{"underscore relation not nested", "GET", "Authors/1/writings/2/cover_art", "", "", "", ""},
		{"to-one parent: no nk, target relation at its http.path", "GET", "Books/1/author/works", "prototype.__get__author__books", "1", "", ""},
		{"to-one parent count", "GET", "Books/1/author/works/count", "prototype.__count__author__books", "1", "", ""},
		{"to-one parent findById", "GET", "Books/1/author/works/4", "prototype.__findById__author__books", "1", "", "4"},
		{"one level only", "GET", "Books/1/author/writings/2/chapters", "", "", "", ""},
		{"embedded parent not nested", "GET", "Books/1/blurb/chapters", "", "", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			segs, err := pathSegments("/" + tc.path)
			if err != nil {
				t.Fatal(err)
			}
			m := rt.lookup(tc.method, segs)
			got := ""
			if m.route != nil {
				got = m.route.name
			}
			if got != tc.wantRoute || m.id != tc.wantID || m.nk != tc.wantNK || m.fk != tc.wantFK {
				t.Fatalf("lookup(%s /%s) = %q id %q nk %q fk %q; want %q %q %q %q",
					tc.method, tc.path, got, m.id, m.nk, m.fk, tc.wantRoute, tc.wantID, tc.wantNK, tc.wantFK)
			}
		})
	}
}

func TestNestedRoutes(t *testing.T) {
	s, db := newNestedServer(t, Options{})
	ctx := context.Background()
	for _, c := range []struct {
		model string
		data  map[string]any
	}{
		{"Author", map[string]any{"name": "Ann"}},
		{"Author", map[string]any{"name": "Bob"}},
		{"Book", map[string]any{"title": "A1", "authorId": 1.0}},
		{"Book", map[string]any{"title": "B1", "authorId": 2.0}},
		{"Book", map[string]any{"title": "Orphan"}},
		{"Chapter", map[string]any{"n": 1.0, "bookId": 1.0}},
		{"Chapter", map[string]any{"n": 2.0, "bookId": 2.0}},
	} {
		if _, err := db.Create(ctx, c.model, c.data); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name       string
		method     string
		target     string
		body       string
		wantStatus int
		wantBody   string // "" = not compared
	}{
		{"list through the parent", "GET", "/api/Authors/1/writings/1/chapters", "", 200, `[{"bookId":1,"id":1,"n":1}]`},
		{"count", "GET", "/api/Authors/1/writings/1/chapters/count", "", 200, `{"count":1}`},
		{"related chapter", "GET", "/api/Authors/1/writings/1/chapters/1", "", 200, `{"bookId":1,"id":1,"n":1}`},
		{"chapter of another book", "GET", "/api/Authors/1/writings/1/chapters/2", "", 404, ""},
		{"book of another author", "GET", "/api/Authors/1/writings/2/chapters", "", 404,
			`{"error":{"message":"No instance with id 2 found for Book","name":"Error","statusCode":404}}`},
		{"no such book", "GET", "/api/Authors/1/writings/99/chapters/count", "", 404, ""},
		{"no such author", "GET", "/api/Authors/99/writings/1/chapters", "", 404,
			`{"error":{"code":"MODEL_NOT_FOUND","message":"could not find a model with id 99","name":"Error","statusCode":404}}`},
		{"create through the parent", "POST", "/api/Authors/1/writings/1/chapters", `{"n":3}`, 200, `{"bookId":1,"id":3,"n":3}`},
		{"create under an unrelated book writes nothing", "POST", "/api/Authors/2/writings/1/chapters", `{"n":4}`, 404, ""},
		{"to-one parent: the target relation's http.path", "GET", "/api/Books/2/author/books", "", 404, ""},
		{"to-one parent list", "GET", "/api/Books/2/author/works", "", 200, `[{"authorId":2,"id":2,"title":"B1"}]`},
		{"to-one parent without target", "GET", "/api/Books/3/author/works", "", 200, `null`},
		{"to-one parent without target, write", "POST", "/api/Books/3/author/works", `{"title":"x"}`, 200, `null`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := do(s, tc.method, tc.target, tc.body, nil)
			if res.status != tc.wantStatus || (tc.wantBody != "" && res.body != tc.wantBody) {
				t.Fatalf("%d %s, want %d %s", res.status, res.body, tc.wantStatus, tc.wantBody)
			}
		})
	}
	if n, err := db.Count(ctx, "Chapter", nil); err != nil || n != 3 {
		t.Fatalf("chapters = %d, %v; want 3", n, err)
	}
	if n, err := db.Count(ctx, "Book", nil); err != nil || n != 3 {
		t.Fatalf("books = %d, %v; want 3", n, err)
	}
}

func TestNestedRoutesReadOnly(t *testing.T) {
	s, _ := newNestedServer(t, Options{ReadOnly: true})
	res := do(s, http.MethodPost, "/api/Authors/1/writings/1/chapters", `{"n":1}`, nil)
	if res.status != http.StatusForbidden {
		t.Fatalf("%d %s", res.status, res.body)
	}
}
