package server

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/relstore/relstore/schema"
)

// openAPIModels exercise every property type and schema rule.
var openAPIModels = []string{
	`{"name": "Gadget", "base": "PersistedModel", "strict": true, "hidden": ["secret"],
	  "properties": {"name": {"type": "string", "required": true, "jsonSchema": {"minLength": 2, "format": "email"}},
	                 "price": {"type": "number", "default": 3}, "live": "boolean", "madeAt": "date", "meta": "object",
	                 "tags": ["string"], "list": "array", "anything": "any", "size": {"type": {"w": "number"}},
	                 "parts": ["Part"], "main": "Part", "spot": "geopoint", "blob": "buffer",
	                 "secret": {"type": "string", "required": true}},
	  "relations": {"maker": {"type": "belongsTo", "model": "Maker", "foreignKey": "makerId"}}}`,
	`{"name": "Part", "base": "Model", "properties": {"code": "string"}}`,
	`{"name": "Maker", "base": "PersistedModel", "forceId": false, "strict": "filter", "properties": {"name": "string"},
	  "relations": {"gadgets": {"type": "hasMany", "model": "Gadget", "foreignKey": "makerId"}}}`,
}

// openAPIDoc fetches GET /openapi.json from s and decodes it.
func openAPIDoc(t *testing.T, s *server, header map[string]string) map[string]any {
	t.Helper()
	res := do(s, http.MethodGet, openAPIPath, "", header)
	if res.status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", openAPIPath, res.status, res.body)
	}
	doc, ok := res.decode(t).(map[string]any)
	if !ok {
		t.Fatalf("not an object: %.200s", res.body)
	}
	return doc
}

// templatePath is the OpenAPI path of a route.
func templatePath(root string, mr *modelRoutes, r *route) string {
	return root + "/" + strings.Join(append(append([]string{}, mr.path...), r.segs...), "/")
}

// jsonPointer resolves a local $ref ("#/components/schemas/X") in doc.
func jsonPointer(doc map[string]any, ref string) (any, bool) {
	if !strings.HasPrefix(ref, "#/") {
		return nil, false
	}
	var cur any = doc
	for _, p := range strings.Split(ref[2:], "/") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[p]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// refs collects every $ref in v.
func refs(v any, out *[]string) {
	switch x := v.(type) {
	case map[string]any:
		if r, ok := x["$ref"].(string); ok {
			*out = append(*out, r)
		}
		for _, e := range x {
			refs(e, out)
		}
	case []any:
		for _, e := range x {
			refs(e, out)
		}
	}
}

func TestOpenAPIDocument(t *testing.T) {
	models := append(append(append([]string{}, testModels...), nestedModels...), openAPIModels...)
	tests := []struct {
		name string
		opts Options
	}{
		{"defaults", Options{}},
		{"token, backups and another root", Options{Token: "tok", BackupDir: t.TempDir(), APIRoot: "/v1/"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := newServerWith(t, models, tc.opts)
			doc := openAPIDoc(t, s, nil) // no token needed
			if v, _ := doc["openapi"].(string); !strings.HasPrefix(v, "3.0.") {
				t.Fatalf("openapi = %v", doc["openapi"])
			}
			paths, _ := doc["paths"].(map[string]any)
			comps, _ := doc["components"].(map[string]any)
			schemas, _ := comps["schemas"].(map[string]any)
			if len(paths) == 0 || len(schemas) == 0 {
				t.Fatalf("paths %d, schemas %d", len(paths), len(schemas))
			}
			// Every served route is documented...
			rt := s.routes()
			n := 0
			for _, mr := range rt.models {
				for _, r := range mr.routes {
					p := templatePath(s.root, mr, r)
					ops, _ := paths[p].(map[string]any)
					if _, ok := ops[strings.ToLower(r.method)].(map[string]any); !ok {
						t.Errorf("%s %s (%s) is not in the document", r.method, p, r.name)
					}
					n++
				}
			}
			if n < 100 {
				t.Fatalf("only %d routes", n)
			}
			// ...and every documented API operation is served.
			ids := map[string]bool{}
			for p, v := range paths {
				for method, op := range v.(map[string]any) {
					id, _ := op.(map[string]any)["operationId"].(string)
					if id == "" || ids[id] {
						t.Errorf("%s %s: operationId %q missing or not unique", method, p, id)
					}
					ids[id] = true
					if !strings.HasPrefix(p, s.root+"/") {
						continue
					}
					concrete := strings.NewReplacer("{id}", "1", "{fk}", "2", "{nk}", "3").Replace(strings.TrimPrefix(p, s.root))
					segs, err := pathSegments(concrete)
					if err != nil {
						t.Fatal(err)
					}
					if m := rt.lookup(strings.ToUpper(method), segs); m.route == nil {
						t.Errorf("documented %s %s is not served", method, p)
					}
				}
			}
			var all []string
			refs(doc, &all)
			for _, r := range all {
				if target, ok := jsonPointer(doc, r); !ok || target == nil {
					t.Errorf("dangling $ref %s", r)
				}
			}
			_, hasBackup := paths[backupPath]
			if hasBackup != (tc.opts.BackupDir != "") {
				t.Errorf("backup path documented = %v", hasBackup)
			}
			if _, secured := doc["security"]; secured != (tc.opts.Token != "") {
				t.Errorf("security = %v", doc["security"])
			}
		})
	}
}

func TestOpenAPIModelSchemas(t *testing.T) {
	s, _ := newServerWith(t, openAPIModels, Options{})
	doc := openAPIDoc(t, s, nil)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	prop := func(schemaName, p string) any {
		sch, _ := schemas[schemaName].(map[string]any)
		props, _ := sch["properties"].(map[string]any)
		return props[p]
	}
	tests := []struct {
		name   string
		schema string
		prop   string // "" = the schema's own keyword key
		key    string
		want   string // JSON; "" = absent
	}{
		{"title", "Gadget", "", "title", `"Gadget"`},
		{"type", "Gadget", "", "type", `"object"`},
		{"required", "Gadget", "", "required", `["name"]`},
		{"strict", "Gadget", "", "additionalProperties", `false`},
		{"strict filter response", "Maker", "", "additionalProperties", `false`},
		{"strict filter request", "MakerPartial", "", "additionalProperties", ``},
		{"string with jsonSchema", "Gadget", "name", "", `{"format":"email","minLength":2,"type":"string"}`},
		{"number with default", "Gadget", "price", "", `{"default":3,"type":"number"}`},
		{"boolean", "Gadget", "live", "", `{"type":"boolean"}`},
		{"date", "Gadget", "madeAt", "", `{"format":"date-time","type":"string"}`},
		{"object", "Gadget", "meta", "", `{"type":"object"}`},
		{"typed array", "Gadget", "tags", "", `{"items":{"type":"string"},"type":"array"}`},
		{"untyped array", "Gadget", "list", "", `{"items":{},"type":"array"}`},
		{"any", "Gadget", "anything", "", `{}`},
		{"nested model", "Gadget", "main", "", `{"$ref":"#/components/schemas/Part"}`},
		{"array of models", "Gadget", "parts", "", `{"items":{"$ref":"#/components/schemas/Part"},"type":"array"}`},
		{"inline object type", "Gadget", "size", "", `{"$ref":"#/components/schemas/Gadget_size"}`},
		{"generated id", "Gadget", "id", "", `{"type":"number"}`},
		{"hidden left out of responses", "Gadget", "secret", "", ``},
		{"hidden left out of reads", "GadgetWithRelations", "secret", "", ``},
		{"hidden accepted on create", "NewGadget", "secret", "", `{"type":"string"}`},
		{"hidden required on create", "NewGadget", "", "required", `["name","secret"]`},
		{"forced id left out of create", "NewGadget", "id", "", ``},
		{"free id kept on create", "NewMaker", "id", "", `{"type":"number"}`},
		{"nothing required in a patch", "GadgetPartial", "", "required", ``},
		{"belongsTo include", "GadgetWithRelations", "maker", "", `{"$ref":"#/components/schemas/MakerWithRelations"}`},
		{"hasMany include", "MakerWithRelations", "gadgets", "", `{"items":{"$ref":"#/components/schemas/GadgetWithRelations"},"type":"array"}`},
		{"no relations on the plain schema", "Maker", "gadgets", "", ``},
		{"nested type schema", "Part", "code", "", `{"type":"string"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got any
			present := false
			if tc.prop != "" {
				got = prop(tc.schema, tc.prop)
				present = got != nil
			} else {
				sch, ok := schemas[tc.schema].(map[string]any)
				if !ok {
					t.Fatalf("no schema %s", tc.schema)
				}
				got, present = sch[tc.key]
			}
			if tc.want == "" {
				if present {
					t.Fatalf("got %s, want none", appendJSON(nil, got))
				}
				return
			}
			if s := string(appendJSON(nil, got)); s != tc.want {
				t.Fatalf("got %s, want %s", s, tc.want)
			}
		})
	}
}

func TestOpenAPIOperations(t *testing.T) {
	s, _ := newServerWith(t, append(append([]string{}, testModels...), nestedModels...), Options{})
	doc := openAPIDoc(t, s, nil)
	paths := doc["paths"].(map[string]any)
	op := func(path, method string) map[string]any {
		ops, _ := paths[path].(map[string]any)
		o, _ := ops[method].(map[string]any)
		if o == nil {
			t.Fatalf("no %s %s", method, path)
		}
		return o
	}
	params := func(o map[string]any) string {
		var names []string
		ps, _ := o["parameters"].([]any)
		for _, p := range ps {
			pm := p.(map[string]any)
			names = append(names, pm["in"].(string)+":"+pm["name"].(string))
		}
		return strings.Join(names, ",")
	}
	response := func(o map[string]any, status string) string {
		r, ok := o["responses"].(map[string]any)[status].(map[string]any)
		if !ok {
			return ""
		}
		c, ok := r["content"].(map[string]any)
		if !ok {
			return "no content"
		}
		for _, v := range c {
			return string(appendJSON(nil, v.(map[string]any)["schema"]))
		}
		return ""
	}
	tests := []struct {
		name       string
		path       string
		method     string
		wantID     string
		wantParams string
		wantStatus string
		wantSchema string
		wantBody   bool
	}{
		{"find", "/api/Customers", "get", "Customer.find", "query:filter", "200",
			`{"items":{"$ref":"#/components/schemas/CustomerWithRelations"},"type":"array"}`, false},
		{"create", "/api/Customers", "post", "Customer.create", "", "200",
			`{"oneOf":[{"$ref":"#/components/schemas/Customer"},{"items":{"$ref":"#/components/schemas/Customer"},"type":"array"}]}`, true},
		{"alias gets its own id", "/api/Customers/replaceOrCreate", "post", "Customer.replaceOrCreate__post_Customers_replaceOrCreate", "", "200",
			`{"$ref":"#/components/schemas/Customer"}`, true},
		{"count", "/api/Customers/count", "get", "Customer.count", "query:where", "200",
			`{"properties":{"count":{"type":"number"}},"required":["count"],"type":"object"}`, false},
		{"head exists", "/api/Customers/{id}", "head", "Customer.exists__head_Customers_id", "path:id", "404", "no content", false},
		{"scope", "/api/Customers/young", "get", "Customer.__get__young", "query:filter", "200",
			`{"items":{"$ref":"#/components/schemas/CustomerWithRelations"},"type":"array"}`, false},
		{"relation findById", "/api/Customers/{id}/orders/{fk}", "get", "Customer.prototype.__findById__orders", "path:id,path:fk", "200",
			`{"$ref":"#/components/schemas/Order"}`, false},
		{"link", "/api/Physicians/{id}/patients/rel/{fk}", "put", "Physician.prototype.__link__patients", "path:id,path:fk", "200",
			`{"$ref":"#/components/schemas/Appointment"}`, true},
		{"delete relation", "/api/Customers/{id}/orders", "delete", "Customer.prototype.__delete__orders", "path:id", "204", "no content", false},
		{"change stream", "/api/Customers/change-stream", "get", "Customer.createChangeStream", "query:options", "200", `{"type":"string"}`, false},
		{"nested", "/api/Authors/{id}/writings/{nk}/chapters/{fk}", "put", "Author.prototype.__updateById__books__chapters",
			"path:id,path:nk,path:fk", "200", `{"$ref":"#/components/schemas/Chapter"}`, true},
		{"nested to-one", "/api/Books/{id}/author/works/count", "get", "Book.prototype.__count__author__books",
			"path:id,query:where", "200", `{"properties":{"count":{"type":"number"}},"required":["count"],"type":"object"}`, false},
		{"healthz", "/healthz", "get", "relstore.health", "", "200",
			`{"properties":{"status":{"enum":["ok"],"type":"string"}},"type":"object"}`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := op(tc.path, tc.method)
			if id := o["operationId"]; id != tc.wantID {
				t.Errorf("operationId %v, want %s", id, tc.wantID)
			}
			if p := params(o); p != tc.wantParams {
				t.Errorf("parameters %s, want %s", p, tc.wantParams)
			}
			if r := response(o, tc.wantStatus); r != tc.wantSchema {
				t.Errorf("response %s: %s, want %s", tc.wantStatus, r, tc.wantSchema)
			}
			if _, has := o["requestBody"]; has != tc.wantBody {
				t.Errorf("requestBody present = %v", has)
			}
		})
	}
}

func TestOpenAPIServedWithoutToken(t *testing.T) {
	s, _ := newTestServer(t, Options{Token: "tok"})
	doc := openAPIDoc(t, s, nil)
	if doc["security"] == nil {
		t.Fatal("no security requirement with a token")
	}
	if res := do(s, http.MethodPost, openAPIPath, "", nil); res.status != http.StatusNotFound {
		t.Fatalf("POST: %d", res.status)
	}
}

func TestOpenAPIFunction(t *testing.T) {
	l := schema.NewLoader(nil)
	for _, m := range testModels {
		if err := l.Add([]byte(m)); err != nil {
			t.Fatal(err)
		}
	}
	set, err := l.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := OpenAPI(set, &Options{APIRoot: "/rest"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := json.Marshal(doc); err != nil {
		t.Fatal(err)
	}
	s, _ := newServerWith(t, testModels, Options{APIRoot: "/rest"})
	served := openAPIDoc(t, s, nil)
	if got, want := string(appendJSON(nil, doc)), string(appendJSON(nil, served)); got != want {
		t.Fatal("OpenAPI and GET /openapi.json differ")
	}
}

func TestOpenAPIUndocumentedRoute(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	rt := s.routes()
	bogus := &router{set: rt.set, models: []*modelRoutes{{model: rt.models[0].model, path: []string{"X"},
		routes: []*route{{method: http.MethodGet, name: "frobnicate", op: "frobnicate", handler: handleFind}}}}}
	if _, err := s.openAPIDocument(bogus); err == nil || !strings.Contains(err.Error(), "frobnicate") {
		t.Fatalf("err = %v", err)
	}
}
