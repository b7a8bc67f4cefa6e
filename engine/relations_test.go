package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/schema"
	"github.com/relstore/relstore/storage"
)

// Relation tests. The first part replays the LB3 oracle scenarios of /work/shared/oracle (the
// requests and LoopBack's recorded answers) through the engine directly: a
// tiny router maps each REST step onto the engine call LoopBack's route
// runs, and the answer is compared with LoopBack's status and body.

// oracleDir is where the oracle's scenarios and goldens live.
var oracleDir = func() string {
	if d := os.Getenv("RELSTORE_ORACLE"); d != "" {
		return d
	}
	return "/work/shared/oracle"
}()

type oracleScenario struct {
	Name   string           `json:"name"`
	Models []map[string]any `json:"models"`
	Ignore []string         `json:"ignore"`
	Steps  []oracleStep     `json:"steps"`
}

type oracleStep struct {
	Method    string         `json:"method"`
	Path      string         `json:"path"`
	Query     map[string]any `json:"query"`
	Body      any            `json:"body"`
	Note      string         `json:"note"`
	Ignore    []string       `json:"ignore"`
	Accept4xx bool           `json:"accept4xx"`
}

type oracleGolden struct {
	Steps []struct {
		Method string `json:"method"`
		Path   string `json:"path"`
		Status int    `json:"status"`
		Body   any    `json:"body"`
	} `json:"steps"`
}

// loadOracle reads a scenario and its golden; the test is skipped when the
// oracle folder is not there.
func loadOracle(t *testing.T, name string) (*oracleScenario, *oracleGolden) {
	t.Helper()
	sb, err := os.ReadFile(filepath.Join(oracleDir, "scenarios", name+".json"))
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("oracle scenario %s not found under %s", name, oracleDir)
	}
	require.NoError(t, err)
	gb, err := os.ReadFile(filepath.Join(oracleDir, "golden", name+".json"))
	require.NoError(t, err)
	var sc oracleScenario
	require.NoError(t, json.Unmarshal(sb, &sc))
	var g oracleGolden
	require.NoError(t, json.Unmarshal(gb, &g))
	require.Len(t, g.Steps, len(sc.Steps), "golden and scenario disagree")
	return &sc, &g
}

func scenarioDefs(t testing.TB, sc *oracleScenario) []string {
	defs := make([]string, len(sc.Models))
	for i, m := range sc.Models {
		b, err := json.Marshal(m)
		require.NoError(t, err)
		defs[i] = string(b)
	}
	return defs
}

// errSkipStep marks a step the router does not map (named scope routes).
var errSkipStep = errors.New("step not mapped onto the engine")

// restResult is a step's answer: status and JSON body (nil for none).
type restResult struct {
	status int
	body   any
}

// restCall runs one REST step against db the way LoopBack's route would.
func restCall(db *DB, method, target string, extraQuery map[string]any, body any) (restResult, error) {
	path, rawQuery, _ := strings.Cut(target, "?")
	var extra []string
	for _, k := range sortedMapKeys(extraQuery) {
		v := extraQuery[k]
		s, ok := v.(string)
		if !ok {
			b, _ := json.Marshal(v)
			s = string(b)
		}
		extra = append(extra, url.QueryEscape(k)+"="+url.QueryEscape(s))
	}
	if len(extra) > 0 {
		if rawQuery != "" {
			rawQuery += "&"
		}
		rawQuery += strings.Join(extra, "&")
	}
	query, err := filter.ParseQuery(rawQuery)
	if err != nil {
		return errResult(err), nil
	}
	param := func(name string) (map[string]any, error) {
		m, _, err := filter.ParseParam(query[name])
		return m, err
	}
	segs := strings.Split(strings.Trim(path, "/"), "/")
	var m *schema.Model
	for _, name := range db.Schema().Order {
		if x := db.Schema().Models[name]; x.PluralPath() == segs[0] {
			m = x
		}
	}
	if m == nil {
		return restResult{}, errSkipStep
	}
	obj, _ := body.(map[string]any)
	ok := func(v any, err error) (restResult, error) {
		if err != nil {
			return errResult(err), nil
		}
		return restResult{status: 200, body: jsonRoundTrip(v)}, nil
	}
	noContent := func(err error) (restResult, error) {
		if err != nil {
			return errResult(err), nil
		}
		return restResult{status: 204}, nil
	}
	switch {
	case len(segs) == 1 && method == "POST":
		if arr, isArr := body.([]any); isArr {
			var out []any
			for _, d := range arr {
				rec, err := db.Create(ctx, m.Name, d.(map[string]any))
				if err != nil {
					return errResult(err), nil
				}
				out = append(out, rec)
			}
			return ok(out, nil)
		}
		return ok(db.Create(ctx, m.Name, obj))
	case len(segs) == 1 && method == "GET":
		f, err := param("filter")
		if err != nil {
			return errResult(err), nil
		}
		return ok(db.Find(ctx, m.Name, f))
	case len(segs) == 2 && segs[1] == "count" && method == "GET":
		w, err := param("where")
		if err != nil {
			return errResult(err), nil
		}
		n, err := db.Count(ctx, m.Name, w)
		return ok(map[string]any{"count": n}, err)
	case len(segs) == 2 && segs[1] == "findOne" && method == "GET":
		f, err := param("filter")
		if err != nil {
			return errResult(err), nil
		}
		return ok(db.FindOne(ctx, m.Name, f))
	case len(segs) >= 2 && m.Scopes[segs[1]] != nil:
		// A named scope: its filter merged into the caller's.
		scope, _ := m.Scopes[segs[1]].(map[string]any)
		switch {
		case len(segs) == 3 && segs[2] == "count" && method == "GET":
			w, err := param("where")
			if err != nil {
				return errResult(err), nil
			}
			q := filter.Merge(map[string]any{"where": w}, scope)
			qw, _ := q["where"].(map[string]any)
			n, err := db.Count(ctx, m.Name, qw)
			return ok(map[string]any{"count": n}, err)
		case len(segs) == 2 && method == "GET":
			f, err := param("filter")
			if err != nil {
				return errResult(err), nil
			}
			return ok(db.Find(ctx, m.Name, filter.Merge(f, scope)))
		case len(segs) == 2 && method == "POST":
			d := copyRecord(obj)
			applyScopeProperties(scope, d)
			return ok(db.Create(ctx, m.Name, d))
		case len(segs) == 2 && method == "DELETE":
			w, _ := scope["where"].(map[string]any)
			_, err := db.DeleteAll(ctx, m.Name, w)
			return noContent(err)
		}
		return restResult{}, errSkipStep
	case len(segs) == 2 && method == "GET":
		f, err := param("filter")
		if err != nil {
			return errResult(err), nil
		}
		return ok(db.FindByID(ctx, m.Name, segs[1], f))
	case len(segs) == 2 && method == "DELETE":
		n, err := db.DeleteByID(ctx, m.Name, segs[1])
		return ok(map[string]any{"count": n}, err)
	case len(segs) == 2 && method == "PATCH":
		return ok(db.PatchByID(ctx, m.Name, segs[1], obj))
	case len(segs) == 2 && method == "PUT":
		return ok(db.ReplaceByID(ctx, m.Name, segs[1], obj))
	case len(segs) < 3:
		return restResult{}, errSkipStep
	}
	id, relName := segs[1], segs[2]
	rel := m.Relation(relName)
	if rel == nil {
		return restResult{}, errSkipStep
	}
	toOne := rel.Type == schema.RelHasOne || rel.Type == schema.RelEmbedsOne || rel.Type == schema.RelBelongsTo
	switch {
	case len(segs) == 3 && method == "GET":
		f, err := param("filter")
		if err != nil {
			return errResult(err), nil
		}
		return ok(db.RelatedGet(ctx, m.Name, id, relName, f))
	case len(segs) == 3 && method == "POST":
		return ok(db.RelatedCreate(ctx, m.Name, id, relName, body))
	case len(segs) == 3 && method == "PUT" && toOne:
		return ok(db.RelatedUpdate(ctx, m.Name, id, relName, obj))
	case len(segs) == 3 && method == "DELETE" && toOne:
		return noContent(db.RelatedDestroy(ctx, m.Name, id, relName))
	case len(segs) == 3 && method == "DELETE":
		_, err := db.RelatedDeleteAll(ctx, m.Name, id, relName)
		return noContent(err)
	case len(segs) == 4 && segs[3] == "count" && method == "GET":
		w, err := param("where")
		if err != nil {
			return errResult(err), nil
		}
		n, err := db.RelatedCount(ctx, m.Name, id, relName, w)
		return ok(map[string]any{"count": n}, err)
	case len(segs) == 4 && method == "GET":
		return ok(db.RelatedFindByID(ctx, m.Name, id, relName, segs[3]))
	case len(segs) == 4 && method == "PUT":
		return ok(db.RelatedUpdateByID(ctx, m.Name, id, relName, segs[3], obj))
	case len(segs) == 4 && method == "DELETE":
		return noContent(db.RelatedDestroyByID(ctx, m.Name, id, relName, segs[3]))
	case len(segs) == 5 && segs[3] == "rel" && method == "PUT":
		return ok(db.Link(ctx, m.Name, id, relName, segs[4], obj))
	case len(segs) == 5 && segs[3] == "rel" && method == "DELETE":
		return noContent(db.Unlink(ctx, m.Name, id, relName, segs[4]))
	case len(segs) == 5 && segs[3] == "rel" && method == "HEAD":
		exists, err := db.LinkExists(ctx, m.Name, id, relName, segs[4])
		if err != nil {
			return errResult(err), nil
		}
		if !exists {
			return restResult{status: 404}, nil
		}
		return restResult{status: 200}, nil
	}
	return restResult{}, errSkipStep
}

// errResult renders an engine error as LoopBack's error body.
func errResult(err error) restResult {
	status, name, code := 500, "Error", ""
	var e *Error
	var verr *ValidationError
	var ferr *filter.Error
	switch {
	case errors.As(err, &verr):
		status, name = 422, "ValidationError"
	case errors.As(err, &e):
		status, code = e.Status, e.Code
	case errors.As(err, &ferr):
		status, code = 400, ferr.Code
	}
	body := map[string]any{"statusCode": float64(status), "name": name, "message": err.Error()}
	if code != "" {
		body["code"] = code
	}
	return restResult{status: status, body: map[string]any{"error": body}}
}

// jsonRoundTrip turns an engine value into what its JSON decodes to.
func jsonRoundTrip(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		panic(err)
	}
	return out
}

func sortedMapKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// oracleDiff compares a body with LoopBack's: object keys in any order,
// arrays in order, ISO date strings as instants, ignored keys present on
// both sides but not compared. It returns the differences.
func oracleDiff(path string, want, got any, ignore map[string]bool) []string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: expected an object, got %s", path, jsonText(got))}
		}
		var diffs []string
		for _, k := range sortedMapKeys(w) {
			gv, present := g[k]
			if !present {
				diffs = append(diffs, fmt.Sprintf("%s.%s: missing (expected %s)", path, k, jsonText(w[k])))
				continue
			}
			if ignore[k] {
				continue
			}
			diffs = append(diffs, oracleDiff(path+"."+k, w[k], gv, ignore)...)
		}
		for _, k := range sortedMapKeys(g) {
			if _, present := w[k]; !present {
				diffs = append(diffs, fmt.Sprintf("%s.%s: unexpected %s", path, k, jsonText(g[k])))
			}
		}
		return diffs
	case []any:
		g, ok := got.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: expected an array, got %s", path, jsonText(got))}
		}
		if len(g) != len(w) {
			return []string{fmt.Sprintf("%s: expected %d elements, got %d: %s", path, len(w), len(g), jsonText(got))}
		}
		var diffs []string
		for i := range w {
			diffs = append(diffs, oracleDiff(fmt.Sprintf("%s[%d]", path, i), w[i], g[i], ignore)...)
		}
		return diffs
	case string:
		if tw, err := time.Parse(time.RFC3339Nano, w); err == nil {
			if gs, ok := got.(string); ok {
				if tg, err := time.Parse(time.RFC3339Nano, gs); err == nil && tg.Equal(tw) {
					return nil
				}
			}
		}
	}
	if !reflect.DeepEqual(want, got) {
		return []string{fmt.Sprintf("%s: expected %s, got %s", path, jsonText(want), jsonText(got))}
	}
	return nil
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// replayOracle runs every step of a scenario (or those selected by keep)
// against a fresh DB on each backend and compares them with the golden.
// Steps the router cannot map are skipped and logged. Where LoopBack
// answered 5xx, any 4xx passes (relstore answers client mistakes with a
// 4xx). For 404 errors LoopBack's message is compared too.
func replayOracle(t *testing.T, name string, compareFrom func(step oracleStep) bool) {
	sc, g := loadOracle(t, name)
	eachBackend(t, func(t *testing.T, open func(testing.TB) storage.Engine) {
		db := openDB(t, open(t), scenarioDefs(t, sc)...)
		ignore := map[string]bool{}
		for _, k := range sc.Ignore {
			ignore[k] = true
		}
		compared, skipped := 0, 0
		for i, st := range sc.Steps {
			want := g.Steps[i]
			res, err := restCall(db, st.Method, st.Path, st.Query, st.Body)
			if errors.Is(err, errSkipStep) {
				skipped++
				continue
			}
			require.NoError(t, err)
			if compareFrom != nil && !compareFrom(st) {
				continue
			}
			compared++
			label := fmt.Sprintf("step %d: %s %s %s (%s)", i, st.Method, st.Path, jsonText(st.Query), st.Note)
			stepIgnore := ignore
			if len(st.Ignore) > 0 {
				stepIgnore = map[string]bool{}
				for k := range ignore {
					stepIgnore[k] = true
				}
				for _, k := range st.Ignore {
					stepIgnore[k] = true
				}
			}
			switch {
			case want.Status >= 500:
				require.True(t, res.status >= 400 && res.status < 500,
					"%s: LoopBack answered %d; want a 4xx, got %d %s", label, want.Status, res.status, jsonText(res.body))
			case st.Accept4xx && res.status >= 400 && res.status < 500:
			case want.Status >= 400:
				require.Equal(t, want.Status, res.status, "%s: %s", label, jsonText(res.body))
				if want.Status == 404 && st.Method != "HEAD" {
					wantMsg := want.Body.(map[string]any)["error"].(map[string]any)["message"]
					gotMsg := res.body.(map[string]any)["error"].(map[string]any)["message"]
					require.Equal(t, wantMsg, gotMsg, label)
				}
			default:
				require.Equal(t, want.Status, res.status, "%s: %s", label, jsonText(res.body))
				if want.Body != nil || res.body != nil {
					diffs := oracleDiff("body", want.Body, res.body, stepIgnore)
					require.Empty(t, diffs, "%s\ngot: %s", label, jsonText(res.body))
				}
			}
		}
		t.Logf("%s: %d steps compared, %d not mapped onto the engine", name, compared, skipped)
		require.Greater(t, compared, 0)
		mustCheck(t, db)
	})
}

// TestOracle_Relations replays the relation scenarios of the LB3 oracle.
func TestOracle_Relations(t *testing.T) {
	for _, name := range []string{"has-one", "has-many-through", "relation-mutations", "customers-orders-reviews", "locations-inventory", "include-members"} {
		t.Run(name, func(t *testing.T) { replayOracle(t, name, nil) })
	}
}

// relModels covers every relation kind around a Customer.
var relModels = []string{
	`{"name": "Customer", "base": "PersistedModel", "idInjection": true,
	  "properties": {"name": {"type": "string", "required": true}, "city": "string", "code": "string"},
	  "relations": {
	    "orders":    {"type": "hasMany", "model": "Order", "foreignKey": "customerId"},
	    "profile":   {"type": "hasOne", "model": "Profile", "foreignKey": "customerId"},
	    "tags":      {"type": "hasMany", "model": "Tag", "through": "CustomerTag", "foreignKey": "customerId", "keyThrough": "tagId"},
	    "groups":    {"type": "hasAndBelongsToMany", "model": "Group"},
	    "favorites": {"type": "referencesMany", "model": "Product", "foreignKey": "favoriteIds"},
	    "address":   {"type": "embedsOne", "model": "Address", "property": "addr"},
	    "emails":    {"type": "embedsMany", "model": "Email", "property": "emailList"},
	    "pictures":  {"type": "hasMany", "model": "Picture", "polymorphic": "imageable"}}}`,
	`{"name": "Order", "base": "PersistedModel", "idInjection": true,
	  "properties": {"total": "number", "note": "string"},
	  "relations": {"customer": {"type": "belongsTo", "model": "Customer", "foreignKey": "customerId"}}}`,
	`{"name": "Profile", "base": "PersistedModel", "idInjection": true,
	  "properties": {"bio": {"type": "string", "required": true}},
	  "relations": {"customer": {"type": "belongsTo", "model": "Customer", "foreignKey": "customerId"}}}`,
	`{"name": "Tag", "base": "PersistedModel", "idInjection": true, "properties": {"label": "string"}}`,
	`{"name": "CustomerTag", "base": "PersistedModel", "idInjection": true,
	  "properties": {"note": "string"},
	  "relations": {"customer": {"type": "belongsTo", "model": "Customer", "foreignKey": "customerId"},
	                "tag": {"type": "belongsTo", "model": "Tag", "foreignKey": "tagId"}}}`,
	`{"name": "Group", "base": "PersistedModel", "idInjection": true, "properties": {"name": "string"}}`,
	`{"name": "Product", "base": "PersistedModel", "idInjection": true, "properties": {"name": "string"}}`,
	`{"name": "Address", "base": "Model", "idInjection": false, "properties": {"street": "string", "city": "string"}}`,
	`{"name": "Email", "base": "Model", "idInjection": false,
	  "properties": {"id": {"type": "number", "id": true}, "address": {"type": "string", "required": true}}}`,
	`{"name": "Picture", "base": "PersistedModel", "idInjection": true,
	  "properties": {"url": "string"},
	  "relations": {"imageable": {"type": "belongsTo", "polymorphic": true}}}`,
	`{"name": "Employee", "base": "PersistedModel", "idInjection": true,
	  "properties": {"name": "string"},
	  "relations": {"pictures": {"type": "hasMany", "model": "Picture", "polymorphic": "imageable"}}}`,
}

// seedRelations stores a small world for relModels.
func seedRelations(t testing.TB, db *DB) {
	t.Helper()
	for _, c := range []string{
		`{"name": "Ada", "city": "C1", "favoriteIds": [2, 1], "addr": {"street": "s1", "city": "C1"},
		  "emailList": [{"id": 1, "address": "a@x"}, {"id": 2, "address": "b@x"}]}`,
		`{"name": "Ben", "city": "C2"}`,
		`{"name": "Cy"}`,
	} {
		_, err := db.Create(ctx, "Customer", obj(t, c))
		require.NoError(t, err)
	}
	for model, recs := range map[string][]string{
		"Order": {`{"total": 10, "customerId": 1}`, `{"total": 20, "customerId": 1}`, `{"total": 30, "customerId": 2}`,
			`{"total": 5}`, `{"total": 7, "customerId": 99}`},
		"Profile":     {`{"bio": "ada's", "customerId": 1}`},
		"Tag":         {`{"label": "red"}`, `{"label": "blue"}`, `{"label": "green"}`},
		"CustomerTag": {`{"customerId": 1, "tagId": 2, "note": "first"}`, `{"customerId": 1, "tagId": 1}`, `{"customerId": 2, "tagId": 1}`},
		"Group":       {`{"name": "g1"}`, `{"name": "g2"}`},
		"Product":     {`{"name": "p1"}`, `{"name": "p2"}`, `{"name": "p3"}`},
		"Employee":    {`{"name": "Eve"}`},
		"Picture": {`{"url": "u1", "imageableType": "Customer", "imageableId": 1}`,
			`{"url": "u2", "imageableType": "Employee", "imageableId": 1}`,
			`{"url": "u3", "imageableType": "employee", "imageableId": 1}`,
			`{"url": "u4", "imageableType": "Nope", "imageableId": 1}`},
	} {
		for _, r := range recs {
			_, err := db.Create(ctx, model, obj(t, r))
			require.NoError(t, err, "%s %s", model, r)
		}
	}
	_, err := db.Link(ctx, "Customer", 1, "groups", 2, nil)
	require.NoError(t, err)
}

func TestTmpProbe(t *testing.T) {
	db := openDB(t, storage.NewMemory(), relModels...)
	seedRelations(t, db)
	type call struct {
		name string
		fn   func() (any, error)
	}
	calls := []call{}
	for _, rel := range []string{"orders", "profile", "tags", "groups", "favorites", "address", "emails", "pictures"} {
		rel := rel
		calls = append(calls,
			call{rel + " create", func() (any, error) { return db.RelatedCreate(ctx, "Customer", 2, rel, obj(t, `{"total": 1, "bio": "b", "label": "x", "name": "n", "street": "st", "address": "z@x", "url": "u", "customerId": 1, "imageableType": "Zed"}`)) }},
			call{rel + " get 2", func() (any, error) { return db.RelatedGet(ctx, "Customer", 2, rel, nil) }},
			call{rel + " updateById 1", func() (any, error) { return db.RelatedUpdateByID(ctx, "Customer", 1, rel, 1, obj(t, `{"note": "upd"}`)) }},
			call{rel + " update", func() (any, error) { return db.RelatedUpdate(ctx, "Customer", 1, rel, obj(t, `{"note": "upd2"}`)) }},
			call{rel + " link 3", func() (any, error) { return db.Link(ctx, "Customer", 1, rel, 3, obj(t, `{"note": "l"}`)) }},
			call{rel + " link 3 again", func() (any, error) { return db.Link(ctx, "Customer", 1, rel, 3, obj(t, `{"note": "l2"}`)) }},
			call{rel + " unlink 3", func() (any, error) { return nil, db.Unlink(ctx, "Customer", 1, rel, 3) }},
			call{rel + " destroyById 1", func() (any, error) { return nil, db.RelatedDestroyByID(ctx, "Customer", 1, rel, 1) }},
			call{rel + " destroy", func() (any, error) { return nil, db.RelatedDestroy(ctx, "Customer", 1, rel) }},
			call{rel + " deleteAll", func() (any, error) { return db.RelatedDeleteAll(ctx, "Customer", 1, rel) }},
			call{rel + " get 1", func() (any, error) { return db.RelatedGet(ctx, "Customer", 1, rel, nil) }},
		)
	}
	calls = append(calls, call{"all orders", func() (any, error) { return db.Find(ctx, "Order", nil) }})
	calls = append(calls, call{"all tags", func() (any, error) { return db.Find(ctx, "Tag", nil) }})
	calls = append(calls, call{"all ct", func() (any, error) { return db.Find(ctx, "CustomerTag", nil) }})
	calls = append(calls, call{"all products", func() (any, error) { return db.Find(ctx, "Product", nil) }})
	calls = append(calls, call{"all customers", func() (any, error) { return db.Find(ctx, "Customer", nil) }})
	calls = append(calls, call{"all pictures", func() (any, error) { return db.Find(ctx, "Picture", nil) }})
	for _, c := range calls {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Logf("%-25s PANIC %v", c.name, r)
				}
			}()
			v, err := c.fn()
			if err != nil {
				t.Logf("%-25s ERR %T %v", c.name, err, err)
			} else {
				t.Logf("%-25s %s", c.name, jsonText(v))
			}
		}()
	}
	mustCheck(t, db)
}
