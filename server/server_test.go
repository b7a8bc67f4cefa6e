package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/relstore/relstore/engine"
	"github.com/relstore/relstore/schema"
	"github.com/relstore/relstore/storage"
)

// testModels cover every kind of route: CRUD, a named scope, hasMany,
// hasOne, belongsTo, hasManyThrough and nestRemoting.
var testModels = []string{
	`{"name": "Customer", "base": "PersistedModel", "properties": {"name": {"type": "string", "required": true}, "age": "number"},
	  "scopes": {"young": {"where": {"age": {"lte": 22}}}},
	  "relations": {"orders": {"type": "hasMany", "model": "Order", "foreignKey": "customerId", "options": {"nestRemoting": true}},
	                "profile": {"type": "hasOne", "model": "Profile", "foreignKey": "customerId"}}}`,
	`{"name": "Order", "base": "PersistedModel", "properties": {"total": "number"},
	  "relations": {"customer": {"type": "belongsTo", "model": "Customer", "foreignKey": "customerId"}}}`,
	`{"name": "Profile", "base": "PersistedModel", "properties": {"bio": "string"}}`,
	`{"name": "Physician", "base": "PersistedModel", "properties": {"name": "string"},
	  "relations": {"patients": {"type": "hasMany", "model": "Patient", "through": "Appointment", "foreignKey": "physicianId", "keyThrough": "patientId"}}}`,
	`{"name": "Patient", "base": "PersistedModel", "properties": {"name": "string"}}`,
	`{"name": "Appointment", "base": "PersistedModel", "properties": {"room": "string"},
	  "relations": {"physician": {"type": "belongsTo", "model": "Physician", "foreignKey": "physicianId"},
	                "patient": {"type": "belongsTo", "model": "Patient", "foreignKey": "patientId"}}}`,
}

// newTestDB opens a memory engine with testModels defined.
func newTestDB(t *testing.T) *engine.DB {
	t.Helper()
	return newDBWith(t, testModels)
}

// newDBWith opens a memory engine with the LB3 model definitions models.
func newDBWith(t *testing.T, models []string) *engine.DB {
	t.Helper()
	l := schema.NewLoader(nil)
	for _, m := range models {
		if err := l.Add([]byte(m)); err != nil {
			t.Fatal(err)
		}
	}
	set, err := l.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	db, err := engine.Open(storage.NewMemory(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Define(set); err != nil {
		t.Fatal(err)
	}
	return db
}

// newTestServer returns the handler over a fresh test DB.
func newTestServer(t *testing.T, opts Options) (*server, *engine.DB) {
	t.Helper()
	return newServerWith(t, testModels, opts)
}

// newServerWith returns the handler over a fresh memory DB with the LB3
// model definitions models.
func newServerWith(t *testing.T, models []string, opts Options) (*server, *engine.DB) {
	t.Helper()
	db := newDBWith(t, models)
	if opts.Logger == nil {
		opts.Logger = discardLogger()
	}
	return New(db, &opts).(*server), db
}

type testResponse struct {
	status int
	header http.Header
	body   string
}

// decode returns the JSON body.
func (r testResponse) decode(t *testing.T) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(r.body), &v); err != nil {
		t.Fatalf("body %q: %v", r.body, err)
	}
	return v
}

// errorField returns a field of an LB3 error body.
func (r testResponse) errorField(t *testing.T, k string) any {
	t.Helper()
	m, _ := r.decode(t).(map[string]any)
	e, ok := m["error"].(map[string]any)
	if !ok {
		t.Fatalf("not an LB3 error: %s", r.body)
	}
	return e[k]
}

func do(h http.Handler, method, target, body string, header map[string]string) testResponse {
	var rd io.Reader = http.NoBody
	if body != "" {
		rd = strings.NewReader(body)
	}
	r := httptest.NewRequest(method, target, rd)
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return testResponse{status: w.Code, header: w.Header(), body: w.Body.String()}
}

// concretePath turns a route pattern into a request path.
func concretePath(root string, mr *modelRoutes, r *route) string {
	segs := append([]string{root}, mr.path...)
	for _, s := range r.segs {
		switch s {
		case paramID:
			segs = append(segs, "1")
		case paramFK:
			segs = append(segs, "2")
		case paramNK:
			segs = append(segs, "3")
		default:
			segs = append(segs, s)
		}
	}
	return strings.Join(segs, "/")
}

func TestTokenAuth(t *testing.T) {
	const token = "s3cret"
	s, _ := newTestServer(t, Options{Token: token})
	tests := []struct {
		name   string
		header map[string]string
		query  string
		want   bool // authorized
	}{
		{"missing", nil, "", false},
		{"wrong bearer", map[string]string{"Authorization": "Bearer nope"}, "", false},
		{"token without scheme", map[string]string{"Authorization": token}, "", false},
		{"basic scheme", map[string]string{"Authorization": "Basic " + token}, "", false},
		{"prefix of the token", map[string]string{"Authorization": "Bearer s3cre"}, "", false},
		{"wrong access_token", nil, "access_token=nope", false},
		{"bearer", map[string]string{"Authorization": "Bearer " + token}, "", true},
		{"bearer any case", map[string]string{"Authorization": "bearer " + token}, "", true},
		{"access_token parameter", nil, "access_token=" + token, true},
		{"access_token after a malformed escape", nil, "x=Al%&access_token=" + token, true},
		{"access_token twice", nil, "access_token=" + token + "&access_token=" + token, false},
	}
	routes := s.routes()
	if len(routes.models) == 0 {
		t.Fatal("no models routed")
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := 0
			for _, mr := range routes.models {
				for _, r := range mr.routes {
					if r.stream && tc.want {
						continue // an authorized change stream never ends
					}
					target := concretePath("/api", mr, r)
					if tc.query != "" {
						target += "?" + tc.query
					}
					res := do(s, r.method, target, `{}`, tc.header)
					n++
					if tc.want {
						if res.status == http.StatusUnauthorized {
							t.Errorf("%s %s: 401 with a good token", r.method, target)
						}
						continue
					}
					if res.status != http.StatusUnauthorized {
						t.Errorf("%s %s: status %d, want 401", r.method, target, res.status)
						continue
					}
					if r.method != http.MethodHead && (res.errorField(t, "code") != codeAuthRequired || res.errorField(t, "statusCode") != 401.0) {
						t.Errorf("%s %s: body %s", r.method, target, res.body)
					}
				}
			}
			for _, target := range []string{"/api/Nope", "/api", "/_relstore/explain/Customer", backupPath} {
				res := do(s, http.MethodGet, target+"?"+tc.query, "", tc.header)
				if (res.status == http.StatusUnauthorized) == tc.want {
					t.Errorf("GET %s: status %d", target, res.status)
				}
			}
			if n < 40 {
				t.Fatalf("only %d routes tried", n)
			}
		})
	}
	for _, open := range []string{"/healthz", openAPIPath} {
		if res := do(s, http.MethodGet, open, "", nil); res.status != http.StatusOK {
			t.Errorf("%s needs no token: %d", open, res.status)
		}
	}
}

func TestReadOnly(t *testing.T) {
	s, db := newTestServer(t, Options{ReadOnly: true})
	ctx := context.Background()
	if _, err := db.Create(ctx, "Customer", map[string]any{"name": "Ada", "age": 20.0}); err != nil {
		t.Fatal(err)
	}
	for _, mr := range s.routes().models {
		for _, r := range mr.routes {
			if r.stream {
				continue
			}
			target := concretePath("/api", mr, r)
			res := do(s, r.method, target, `{"name":"Bo"}`, nil)
			if r.write {
				if res.status != http.StatusForbidden || res.errorField(t, "code") != codeReadOnly {
					t.Errorf("%s %s: %d %s, want 403 READ_ONLY", r.method, target, res.status, res.body)
				}
			} else if res.status == http.StatusForbidden {
				t.Errorf("%s %s: a read refused", r.method, target)
			}
		}
	}
	n, err := db.Count(ctx, "Customer", nil)
	if err != nil || n != 1 {
		t.Fatalf("count = %d, %v: a write went through", n, err)
	}
}

// injectRoute replaces the router of s by one serving a single model path
// "Boom" with handler h.
func injectRoute(s *server, h handlerFunc) {
	m := s.db.Schema().Model("Customer")
	s.router = &router{set: s.db.Schema(), models: []*modelRoutes{{model: m, path: []string{"Boom"},
		routes: []*route{{method: http.MethodGet, segs: nil, name: "boom", handler: h}}}}}
}

func TestPanicRecovery(t *testing.T) {
	var logs bytes.Buffer
	var mu sync.Mutex
	s, _ := newTestServer(t, Options{Logger: slog.New(slog.NewJSONHandler(lockedWriter{&logs, &mu}, nil))})
	injectRoute(s, func(*call) (*reply, error) { panic("kaboom") })
	res := do(s, http.MethodGet, "/api/Boom", "", nil)
	if res.status != http.StatusInternalServerError {
		t.Fatalf("status %d", res.status)
	}
	if res.body != `{"error":{"message":"Internal Server Error","statusCode":500}}` {
		t.Fatalf("body %s", res.body)
	}
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(logs.String(), "kaboom") || !strings.Contains(logs.String(), "goroutine") {
		t.Fatalf("panic not logged with its stack: %s", logs.String())
	}
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func TestRequestTimeout(t *testing.T) {
	s, _ := newTestServer(t, Options{RequestTimeout: 20 * time.Millisecond})
	injectRoute(s, func(c *call) (*reply, error) {
		<-c.ctx.Done()
		return nil, c.ctx.Err()
	})
	res := do(s, http.MethodGet, "/api/Boom", "", nil)
	if res.status != http.StatusServiceUnavailable {
		t.Fatalf("status %d %s", res.status, res.body)
	}
}

func TestHandlerErrorsAreMapped(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	injectRoute(s, func(c *call) (*reply, error) { return nil, errors.New("secret cause") })
	res := do(s, http.MethodGet, "/api/Boom", "", nil)
	if res.status != 500 || strings.Contains(res.body, "secret") {
		t.Fatalf("%d %s", res.status, res.body)
	}
}

func TestUnknownRoutes(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	tests := []struct {
		name        string
		method      string
		target      string
		wantStatus  int
		wantMessage string
	}{
		{"unknown model", "GET", "/api/Nope", 404, "There is no method to handle GET /Nope"},
		{"api root", "GET", "/api", 404, "There is no method to handle GET /"},
		{"api root slash", "GET", "/api/", 404, "There is no method to handle GET /"},
		{"unknown relation", "GET", "/api/Customers/1/nope", 404, `Shared class "Customer" has no method handling GET /1/nope`},
		{"verb without route", "POST", "/api/Customers/1", 404, `Shared class "Customer" has no method handling POST /1`},
		{"destroyAll not exposed", "DELETE", "/api/Customers", 404, `Shared class "Customer" has no method handling DELETE /`},
		{"query kept in message", "DELETE", "/api/Customers?x=1", 404, `Shared class "Customer" has no method handling DELETE /?x=1`},
		{"outside the API", "GET", "/nope", 404, "Cannot GET /nope"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := do(s, tc.method, tc.target, "", nil)
			if res.status != tc.wantStatus || res.errorField(t, "message") != tc.wantMessage || res.errorField(t, "name") != "Error" {
				t.Fatalf("%d %s", res.status, res.body)
			}
		})
	}
}

func TestBodyLimits(t *testing.T) {
	s, db := newTestServer(t, Options{MaxBodyBytes: 1000})
	big := `{"name":"` + strings.Repeat("x", 2000) + `"}`
	res := do(s, http.MethodPost, "/api/Customers", big, nil)
	if res.status != http.StatusRequestEntityTooLarge || res.errorField(t, "name") != "PayloadTooLargeError" {
		t.Fatalf("%d %s", res.status, res.body)
	}
	if n, _ := db.Count(context.Background(), "Customer", nil); n != 0 {
		t.Fatal("the large body was stored")
	}
	res = do(s, http.MethodPost, "/api/Customers", "name=Fay&age=30", map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	if res.status != 200 {
		t.Fatalf("form: %d %s", res.status, res.body)
	}
	if m := res.decode(t).(map[string]any); m["name"] != "Fay" || m["age"] != 30.0 {
		t.Fatalf("form body stored as %v", m)
	}
	res = do(s, http.MethodPost, "/api/Customers", `{"name": "Ed",`, nil)
	if res.status != 400 || res.errorField(t, "name") != "SyntaxError" {
		t.Fatalf("malformed: %d %s", res.status, res.body)
	}
	res = do(s, http.MethodPost, "/api/Customers", `"just a string"`, nil)
	if res.status != 400 || res.errorField(t, "message") != messageNotAnObject {
		t.Fatalf("string body: %d %s", res.status, res.body)
	}
}

func TestDefaultBodyLimit(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	big := `{"name":"` + strings.Repeat("x", DefaultMaxBodyBytes) + `"}`
	if res := do(s, http.MethodPost, "/api/Customers", big, nil); res.status != http.StatusRequestEntityTooLarge {
		t.Fatalf("%d", res.status)
	}
}

func TestIgnoredParametersAreRefused(t *testing.T) {
	s, db := newTestServer(t, Options{})
	ctx := context.Background()
	if _, err := db.Create(ctx, "Customer", map[string]any{"name": "Ada"}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		method string
		target string
	}{
		{"filter on count", "GET", `/api/Customers/count?filter={"where":{"age":1}}`},
		{"filter on relation count", "GET", `/api/Customers/1/orders/count?filter[where][total]=1`},
		{"where on relation delete", "DELETE", `/api/Customers/1/orders?where={"total":1}`},
		{"where in findById's filter", "GET", `/api/Customers/1?filter={"where":{"name":"x"}}`},
		{"updateAll without where", "POST", `/api/Customers/update`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := do(s, tc.method, strings.ReplaceAll(tc.target, `"`, "%22"), `{"age":3}`, nil)
			if res.status != 400 {
				t.Fatalf("%d %s", res.status, res.body)
			}
			if msg, _ := res.errorField(t, "message").(string); msg == "" {
				t.Fatal("no message")
			}
		})
	}
}

func TestHealthAndCORS(t *testing.T) {
	s, _ := newTestServer(t, Options{CORSOrigin: "https://app.example"})
	res := do(s, http.MethodGet, "/healthz", "", nil)
	if res.status != 200 || res.body != `{"status":"ok"}` {
		t.Fatalf("healthz: %d %s", res.status, res.body)
	}
	if got := res.header.Get("Access-Control-Allow-Origin"); got != "https://app.example" {
		t.Fatalf("allow-origin %q", got)
	}
	res = do(s, http.MethodOptions, "/api/Customers", "", map[string]string{"Access-Control-Request-Method": "POST", "Origin": "https://app.example"})
	if res.status != http.StatusNoContent || !strings.Contains(res.header.Get("Access-Control-Allow-Methods"), "PATCH") {
		t.Fatalf("preflight: %d %v", res.status, res.header)
	}
}

func TestExplain(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	for _, target := range []string{"/_relstore/explain/Customer?filter[where][age]=3", "/_relstore/explain/Customers"} {
		res := do(s, http.MethodGet, target, "", nil)
		if res.status != 200 {
			t.Fatalf("%s: %d %s", target, res.status, res.body)
		}
		if p, _ := res.decode(t).(map[string]any)["plan"].(string); p == "" {
			t.Fatalf("%s: no plan in %s", target, res.body)
		}
	}
	if res := do(s, http.MethodGet, "/_relstore/explain/Nope", "", nil); res.status != 404 {
		t.Fatalf("unknown model: %d", res.status)
	}
}

func TestMaxLimit(t *testing.T) {
	s, db := newTestServer(t, Options{MaxLimit: 2})
	for _, n := range []string{"a", "b", "c"} {
		if _, err := db.Create(context.Background(), "Customer", map[string]any{"name": n}); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		target string
		want   int
	}{
		{"/api/Customers", 2},
		{"/api/Customers?filter[limit]=10", 2},
		{"/api/Customers?filter[limit]=1", 1},
		{"/api/Customers/young", 0},
	}
	for _, tc := range tests {
		res := do(s, http.MethodGet, tc.target, "", nil)
		if arr, ok := res.decode(t).([]any); res.status != 200 || !ok || len(arr) != tc.want {
			t.Errorf("%s: %d %s, want %d rows", tc.target, res.status, res.body, tc.want)
		}
	}
}
