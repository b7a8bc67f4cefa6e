package fuzz

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/relstore/relstore/engine"
	"github.com/relstore/relstore/filter"
)

// fixtureModels are the models the filter targets query, chosen by a byte.
var fixtureModels = []string{"Book", "Author", "Review", "BookTag"}

// filterSeeds are LoopBack filters of every shape: the seed corpus of both
// filter targets (FuzzFilterQuery gets them in bracket syntax).
var filterSeeds = []string{
	`{}`,
	`{"where": {"pages": {"gt": 100}}, "order": "pages DESC", "limit": 5}`,
	`{"where": {"genre": {"inq": ["sf", "crime"]}}, "order": ["title ASC", "id DESC"], "skip": 2}`,
	`{"where": {"or": [{"pages": null}, {"genre": {"like": "c%"}}]}, "fields": ["id", "title"]}`,
	`{"where": {"and": [{"pages": {"between": [100, 300]}}, {"title": {"regexp": "/^t1/i"}}]}}`,
	`{"where": {"author.name": "ada"}, "include": "author"}`,
	`{"where": {"author": {"age": {"gte": 18}}}, "order": "author.name ASC"}`,
	`{"where": {"reviews": {"some": {"stars": {"gte": 4}}}}, "include": {"relation": "reviews", "scope": {"order": "stars DESC", "limit": 2}}}`,
	`{"where": {"tags": {"none": {"label": "old"}}}, "include": ["tags", {"author": "profile"}]}`,
	`{"where": {"extra.n": {"gt": 5}}, "fields": {"cost": true, "title": true}}`,
	`{"where": {"password": "x"}}`,
	`{"where": {"books": {"every": {"pages": {"lt": 300}}}}, "include": {"books": {"reviews": "book"}}}`,
	`{"where": {"name": {"nlike": "a_a"}, "email": {"neq": null}}, "order": "age DESC"}`,
	`{"where": {"id": {"nin": [1, 2, "3"]}}, "limit": "3", "offset": 1}`,
	`{"where": {"title": {"ilike": "T0%"}}, "fields": {"title": false}}`,
	`{"where": {"$where": "1"}}`,
	`{"include": {"relation": "author", "scope": {"fields": ["name", "password", "notes"]}}}`,
	`{"where": {"pages": {"gt": "abc"}}}`,
	`{"limit": 9007199254740991, "skip": 0}`,
	`{"where": {"title": {"regexp": "(a+)+$"}}}`,
}

// FuzzFilterJSON feeds JSON filters to filter.Parse and to Find on both
// backends of the fixture; see checkFind for the properties.
func FuzzFilterJSON(f *testing.F) {
	for i, s := range filterSeeds {
		f.Add(uint8(i), s)
	}
	f.Add(uint8(0x80), "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c")
	f.Add(uint8(0x81), "structured: the bytes are choices, not JSON")
	f.Add(uint8(0x82), "\x00\x01\x00\x04\x07\x03\x02\x05\x00\x00\x01\x02")
	f.Fuzz(func(t *testing.T, which uint8, text string) {
		model := fixtureModels[int(which&0x7f)%len(fixtureModels)]
		if which&0x80 != 0 {
			checkFind(t, sharedFixture(t), model, genFilter(&byteSource{b: []byte(text)}, model, 0))
			return
		}
		var raw any
		if err := json.Unmarshal([]byte(text), &raw); err != nil {
			// ParseParam must refuse what does not decode, with a 400.
			if _, _, perr := filter.ParseParam(text); perr == nil && strings.TrimSpace(text) != "" && text != "null" {
				if m, ok, _ := filter.ParseParam(text); ok && m != nil {
					t.Fatalf("ParseParam accepted invalid JSON %q as %v", text, m)
				}
			}
			return
		}
		checkFind(t, sharedFixture(t), model, raw)
	})
}

// FuzzFilterQuery feeds query strings to filter.ParseQuery, ParseParam and
// then, like the server does, to Parse and Find (checkFind). It also checks
// that a query string built from a random nested object parses back to
// that object.
func FuzzFilterQuery(f *testing.F) {
	for i, s := range filterSeeds {
		var m map[string]any
		if err := json.Unmarshal([]byte(s), &m); err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(i), bracketQuery("filter", m), []byte(s))
		f.Add(uint8(i), "filter="+url.QueryEscape(s), []byte{byte(i)})
	}
	f.Add(uint8(0), "filter[where][and][0][pages][gt]=1&filter[where][and][1][genre]=sf&filter[limit]=2", []byte("abc"))
	f.Add(uint8(1), "filter[include]=books&filter[include]=profile&filter[order]=name%20ASC", []byte{})
	f.Add(uint8(0), "filter[where][title][inq][]=a&filter[where][title][inq][]=b&filter[fields][title]=true", []byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, which uint8, rawQuery string, shape []byte) {
		q, err := filter.ParseQuery(rawQuery)
		if err != nil {
			var fe *filter.Error
			if !errors.As(err, &fe) || fe.Code != "TOO_MANY_PARAMETERS" {
				t.Fatalf("ParseQuery(%q): unexpected error %v", rawQuery, err)
			}
		} else {
			checkQSShape(t, q)
			fv, present, perr := filter.ParseParam(q["filter"])
			if perr != nil {
				checkFilterError(t, perr)
			} else if present {
				checkFind(t, sharedFixture(t), fixtureModels[int(which)%len(fixtureModels)], fv)
			}
		}
		// Round trip of a generated object through the bracket syntax.
		obj := genQSObject(&byteSource{b: shape}, 0)
		if len(obj) == 0 {
			return
		}
		qs := bracketQuery("p", obj)
		back, err := filter.ParseQuery(qs)
		if err != nil {
			t.Fatalf("ParseQuery(%q): %v", qs, err)
		}
		if !reflect.DeepEqual(back["p"], any(obj)) {
			t.Fatalf("query %q parsed as %s, want %s", qs, jsonText(back["p"]), jsonText(obj))
		}
	})
}

// checkQSShape: ParseQuery yields only strings, arrays and objects.
func checkQSShape(t *testing.T, v any) {
	t.Helper()
	switch x := v.(type) {
	case string:
	case []any:
		for _, e := range x {
			checkQSShape(t, e)
		}
	case map[string]any:
		for _, e := range x {
			checkQSShape(t, e)
		}
	default:
		t.Fatalf("ParseQuery produced a %T", v)
	}
}

// genQSObject builds a nested object that the bracket syntax can express:
// non-numeric keys, string leaves, arrays of strings, no empty containers.
func genQSObject(src *byteSource, depth int) map[string]any {
	n := src.intn(4)
	if depth == 0 {
		n++
	}
	obj := map[string]any{}
	for i := 0; i < n && !src.empty(); i++ {
		key := genQSKey(src)
		switch c := src.intn(5); {
		case c == 0 && depth < 4:
			if sub := genQSObject(src, depth+1); len(sub) > 0 {
				obj[key] = sub
			}
		case c == 1:
			arr := []any{}
			for j := 0; j < 1+src.intn(3); j++ {
				arr = append(arr, genQSString(src))
			}
			obj[key] = arr
		default:
			obj[key] = genQSString(src)
		}
	}
	return obj
}

func genQSKey(src *byteSource) string {
	const letters = "abcxyz_-é"
	var b strings.Builder
	b.WriteByte("kqw"[src.intn(3)])
	for i := 0; i < src.intn(4); i++ {
		r := []rune(letters)
		b.WriteRune(r[src.intn(len(r))])
	}
	return b.String()
}

func genQSString(src *byteSource) string {
	const chars = "a0 %&=[]+?#\"{}é\x00/"
	r := []rune(chars)
	var b strings.Builder
	for i := 0; i < src.intn(6); i++ {
		b.WriteRune(r[src.intn(len(r))])
	}
	return b.String()
}

// bracketQuery encodes v under name in qs bracket syntax
// (name[a][b]=x&name[c][0]=y), escaping keys and values.
func bracketQuery(name string, v any) string {
	var parts []string
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch x := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				walk(prefix+"["+url.QueryEscape(k)+"]", x[k])
			}
		case []any:
			for i, e := range x {
				walk(fmt.Sprintf("%s[%d]", prefix, i), e)
			}
		case nil:
			parts = append(parts, prefix+"=")
		case string:
			parts = append(parts, prefix+"="+url.QueryEscape(x))
		default:
			parts = append(parts, prefix+"="+url.QueryEscape(fmt.Sprint(x)))
		}
	}
	walk(url.QueryEscape(name), v)
	return strings.Join(parts, "&")
}

// checkFilterError: a refused filter is a *filter.Error with a code and a
// message (an HTTP 400).
func checkFilterError(t *testing.T, err error) {
	t.Helper()
	var fe *filter.Error
	if !errors.As(err, &fe) {
		t.Fatalf("filter error %v (%T) is not a *filter.Error", err, err)
	}
	if fe.Code == "" || fe.Message == "" || fe.StatusCode() != 400 {
		t.Fatalf("filter error without code, message or 400: %#v", fe)
	}
}

// clientStatus is the HTTP status the server maps err to (as
// server.errorFor does); 500 means "not a client error".
func clientStatus(err error) int {
	var fe *filter.Error
	var ve *engine.ValidationError
	var ee *engine.Error
	switch {
	case errors.As(err, &fe):
		return 400
	case errors.As(err, &ve):
		return 422
	case errors.As(err, &ee):
		if ee.Status != 0 {
			return ee.Status
		}
	}
	switch {
	case errors.Is(err, engine.ErrNotFound), errors.Is(err, engine.ErrUnknownModel):
		return 404
	case errors.Is(err, engine.ErrDuplicateID), errors.Is(err, engine.ErrUniqueViolation),
		errors.Is(err, engine.ErrForeignKey), errors.Is(err, engine.ErrDeleteRestricted),
		errors.Is(err, engine.ErrConflict):
		return 409
	case errors.Is(err, engine.ErrBadRequest):
		return 400
	}
	return 500
}

// checkFind checks one filter against the fixture:
//
//   - filter.Parse does not modify its input, is deterministic, and
//     refuses with a *filter.Error (400);
//   - Find on the memory store and on the Pebble store give the same
//     answer (records and order) or the same error, and the error is a
//     client error (4xx), never a 500; a filter Parse refuses, Find
//     refuses too;
//   - no answer holds a hidden value, nor a protected one inside an
//     include; a limit is respected;
//   - without include, relation order keys or near, the answer equals a
//     reference evaluation: filter.Match over every record in id order, a
//     stable sort by filter.CompareRecords, skip, limit, fields;
//   - Check passes on both stores (every 16th call): a read that changed a
//     shared cached record would show.
func checkFind(t *testing.T, fx *fixture, model string, raw any) {
	t.Helper()
	m := fx.set.Model(model)
	before := deepCopyJSON(raw)
	flt, perr := filter.Parse(raw, m, fx.set)
	if !reflect.DeepEqual(raw, before) {
		t.Fatalf("filter.Parse modified its input: %s became %s", jsonText(before), jsonText(raw))
	}
	if perr != nil {
		checkFilterError(t, perr)
	} else {
		again, err := filter.Parse(raw, m, fx.set)
		if err != nil || again.String() != flt.String() {
			t.Fatalf("filter.Parse is not deterministic on %s: %v / %v", jsonText(raw), flt, err)
		}
	}
	obj, isObj := raw.(map[string]any)
	if !isObj {
		return
	}
	r1, e1 := fx.mem.Find(bg, model, obj)
	r2, e2 := fx.peb.Find(bg, model, obj)
	if (e1 == nil) != (e2 == nil) || (e1 != nil && e1.Error() != e2.Error()) {
		t.Fatalf("%s %s: memory store answers %v, Pebble %v", model, jsonText(raw), e1, e2)
	}
	if e1 != nil {
		if st := clientStatus(e1); st >= 500 {
			t.Fatalf("%s %s: server error %v (%T)", model, jsonText(raw), e1, e1)
		}
		return
	}
	if perr != nil {
		t.Fatalf("%s %s: Parse refused (%v) but Find answered %d records", model, jsonText(raw), perr, len(r1))
	}
	// Reads share cached records; none may have been changed by a read
	// (checked every 16th filter, to keep the fuzzer fast).
	if checkFindCalls.Add(1)%16 == 0 {
		defer mustCheck(t, fx.mem)
		defer mustCheck(t, fx.peb)
	}
	n1, n2 := normJSON(r1), normJSON(r2)
	if !reflect.DeepEqual(n1, n2) {
		t.Fatalf("%s %s: backends differ:\nmemory %s\npebble %s", model, jsonText(raw), jsonText(n1), jsonText(n2))
	}
	checkNoSecrets(t, fmt.Sprintf("%s %s", model, jsonText(raw)), model, n1)
	if flt.Limit > 0 && len(r1) > flt.Limit {
		t.Fatalf("%s %s: %d records over limit %d", model, jsonText(raw), len(r1), flt.Limit)
	}
	if len(flt.Include) > 0 || filter.FindNear(flt.Where) != nil {
		return
	}
	for _, k := range flt.Order {
		if len(k.Relation) > 0 {
			return
		}
	}
	want, err := referenceFind(fx, model, flt)
	if err != nil {
		t.Fatalf("%s %s: reference: %v", model, jsonText(raw), err)
	}
	if nw := normJSON(want); !reflect.DeepEqual(n1, nw) {
		t.Fatalf("%s %s: answer differs from the reference evaluation:\ngot  %s\nwant %s", model, jsonText(raw), jsonText(n1), jsonText(nw))
	}
}

var checkFindCalls atomic.Int64

// referenceFind evaluates a parsed filter naively over every stored record.
func referenceFind(fx *fixture, model string, flt *filter.Filter) ([]map[string]any, error) {
	m := fx.set.Model(model)
	all := fixtureStored(model)
	var sel []map[string]any
	err := fx.mem.View(bg, func(tx *engine.Tx) error {
		for _, rec := range all {
			ok, err := filter.Match(flt.Where, rec, tx)
			if err != nil {
				return err
			}
			if ok {
				sel = append(sel, rec)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(flt.Order) > 0 {
		sort.SliceStable(sel, func(i, j int) bool { return filter.CompareRecords(flt.Order, sel[i], sel[j]) < 0 })
	}
	if flt.Skip >= len(sel) {
		sel = nil
	} else {
		sel = sel[flt.Skip:]
	}
	if flt.Limit > 0 && len(sel) > flt.Limit {
		sel = sel[:flt.Limit]
	}
	out := make([]map[string]any, len(sel))
	for i, rec := range sel {
		vis := map[string]any{}
		for k, v := range rec {
			if !m.IsHidden(k) {
				vis[k] = v
			}
		}
		out[i] = flt.Fields.Apply(vis)
	}
	return out, nil
}

var (
	storedOnce sync.Once
	stored     map[string][]map[string]any
)

// fixtureStored returns the fixture's records as stored (ids assigned by
// creation order), in id order.
func fixtureStored(model string) []map[string]any {
	storedOnce.Do(func() {
		stored = fixtureRecords()
		for _, recs := range stored {
			for i, r := range recs {
				if _, ok := r["id"]; !ok {
					r["id"] = float64(i + 1)
				}
			}
			sort.SliceStable(recs, func(i, j int) bool { return recs[i]["id"].(float64) < recs[j]["id"].(float64) })
		}
	})
	return stored[model]
}

// checkNoSecrets fails when an answer (decoded JSON) holds a hidden value
// anywhere, or a protected value anywhere but in the notes of a top-level
// Author.
func checkNoSecrets(t *testing.T, what, model string, answer any) {
	t.Helper()
	var walk func(v any, path string, top bool)
	walk = func(v any, path string, top bool) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if k == "password" || k == "cost" {
					t.Fatalf("%s: hidden property %s.%s in the answer %s", what, path, k, jsonText(answer))
				}
				walk(e, path+"."+k, top && k == "notes")
			}
		case []any:
			for i, e := range x {
				walk(e, fmt.Sprintf("%s[%d]", path, i), false)
			}
		case string:
			if strings.Contains(x, secretMarker) {
				t.Fatalf("%s: hidden value at %s in the answer %s", what, path, jsonText(answer))
			}
			if strings.Contains(x, protectedMarker) && !(top && model == "Author") {
				t.Fatalf("%s: protected value at %s in the answer %s", what, path, jsonText(answer))
			}
		case float64:
			if x > 9999 && x < 10000 {
				t.Fatalf("%s: hidden cost value at %s in the answer %s", what, path, jsonText(answer))
			}
		}
	}
	switch x := answer.(type) {
	case []any:
		for i, rec := range x {
			if obj, ok := rec.(map[string]any); ok {
				for k, e := range obj {
					if k == "password" || k == "cost" {
						t.Fatalf("%s: hidden property %s in the answer %s", what, k, jsonText(answer))
					}
					walk(e, fmt.Sprintf("[%d].%s", i, k), k == "notes")
				}
			} else {
				walk(rec, fmt.Sprintf("[%d]", i), false)
			}
		}
	default:
		walk(answer, "", false)
	}
}

// deepCopyJSON copies maps and slices of decoded JSON.
func deepCopyJSON(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopyJSON(e)
		}
		return m
	case []any:
		if x == nil {
			return x
		}
		a := make([]any, len(x))
		for i, e := range x {
			a[i] = deepCopyJSON(e)
		}
		return a
	}
	return v
}

// Structured filters: when the high bit of FuzzFilterJSON's model byte is
// set, the text is not JSON but the choices of genFilter, so that the
// fuzzer reaches deep into valid filters (and the reference comparison)
// instead of spending its time on JSON syntax.

var genFields = map[string][]string{
	"Book":    {"id", "title", "pages", "genre", "authorId", "extra.n", "extra.tags", "cost", "nope"},
	"Author":  {"id", "name", "email", "age", "password", "notes"},
	"Review":  {"id", "stars", "body", "bookId"},
	"BookTag": {"id", "bookId", "tagId"},
	"Tag":     {"id", "label"},
	"Profile": {"id", "bio", "authorId"},
}

var genRelations = map[string][]string{
	"Book":    {"author", "reviews", "tags"},
	"Author":  {"books", "profile"},
	"Review":  {"book"},
	"BookTag": {"book", "tag"},
	"Tag":     {"books"},
	"Profile": {"author"},
}

var genTargets = map[string]string{
	"author": "Author", "reviews": "Review", "tags": "Tag", "books": "Book", "profile": "Profile", "book": "Book", "tag": "Tag",
}

var genValues = []any{nil, 0.0, 100.0, 200.0, 300.5, -1.0, 3.0, "sf", "crime", "SF", "t1%", "a_a", "ada", "", "100",
	true, false, "T0%", "^t", "/^T1/i", "crime ", "[", 1e300}

var genOps = []string{"eq", "neq", "gt", "gte", "lt", "lte", "inq", "nin", "between", "like", "nlike", "ilike",
	"nilike", "regexp", "exists", "near"}

func genFilter(src *byteSource, model string, depth int) map[string]any {
	f := map[string]any{}
	if src.intn(4) > 0 {
		f["where"] = genWhere(src, model, 0)
	}
	if src.intn(3) == 0 {
		var keys []any
		for i := 0; i < 1+src.intn(3); i++ {
			k := pick(src, genFields[model])
			if src.intn(6) == 0 {
				if rels := genRelations[model]; len(rels) > 0 {
					k = pick(src, rels) + ".name"
				}
			}
			keys = append(keys, k+pick(src, []string{"", " ASC", " DESC", " desc"}))
		}
		if len(keys) == 1 && src.bool() {
			f["order"] = keys[0]
		} else {
			f["order"] = keys
		}
	}
	if src.intn(3) == 0 {
		f["limit"] = float64(src.intn(6))
	}
	if src.intn(4) == 0 {
		f["skip"] = float64(src.intn(6))
	}
	if src.intn(4) == 0 {
		fields := map[string]any{}
		for i := 0; i < 1+src.intn(3); i++ {
			fields[pick(src, genFields[model])] = src.bool()
		}
		f["fields"] = fields
	}
	if depth < 3 && src.intn(5) == 1 {
		if rels := genRelations[model]; len(rels) > 0 {
			rel := pick(src, rels)
			if src.bool() {
				f["include"] = rel
			} else {
				f["include"] = map[string]any{"relation": rel, "scope": genFilter(src, genTargets[rel], depth+1)}
			}
		}
	}
	return f
}

func genWhere(src *byteSource, model string, depth int) map[string]any {
	if depth < 3 && src.intn(5) == 0 {
		var clauses []any
		for i := 0; i < 1+src.intn(3); i++ {
			clauses = append(clauses, genWhere(src, model, depth+1))
		}
		return map[string]any{pick(src, []string{"and", "or"}): clauses}
	}
	if depth < 3 && src.intn(6) == 0 {
		if rels := genRelations[model]; len(rels) > 0 {
			rel := pick(src, rels)
			target := genTargets[rel]
			inner := genWhere(src, target, depth+1)
			switch src.intn(3) {
			case 0:
				return map[string]any{rel: inner}
			case 1:
				return map[string]any{rel: map[string]any{pick(src, []string{"some", "none", "every"}): inner}}
			}
			for k, v := range inner {
				if k != "and" && k != "or" {
					return map[string]any{rel + "." + k: v}
				}
			}
			return map[string]any{rel: inner}
		}
	}
	field := pick(src, genFields[model])
	op := pick(src, genOps)
	if op == "eq" && src.bool() {
		return map[string]any{field: genFilterValue(src)}
	}
	var v any
	switch op {
	case "inq", "nin":
		arr := []any{}
		for i := 0; i < src.intn(4); i++ {
			arr = append(arr, genFilterValue(src))
		}
		v = arr
	case "between":
		v = []any{genFilterValue(src), genFilterValue(src)}
	default:
		v = genFilterValue(src)
	}
	cond := map[string]any{op: v}
	if src.intn(5) == 0 {
		cond[pick(src, genOps)] = genFilterValue(src)
	}
	return map[string]any{field: cond}
}

func genFilterValue(src *byteSource) any { return pick(src, genValues) }

func pick[T any](src *byteSource, from []T) T { return from[src.intn(len(from))] }

// TestRandomFiltersAgreeWithReference runs genFilter's structured filters
// from a seeded generator through checkFind: the deterministic, CI-sized
// form of FuzzFilterJSON's structured mode.
//
//	RELSTORE_FILTERS (default 1500): filters to check
func TestRandomFiltersAgreeWithReference(t *testing.T) {
	n := envInt(t, "RELSTORE_FILTERS", 1500)
	rng := rand.New(rand.NewSource(testSeed(t)))
	fx := sharedFixture(t)
	for i := 0; i < n; i++ {
		b := make([]byte, 48)
		rng.Read(b)
		model := fixtureModels[rng.Intn(len(fixtureModels))]
		checkFind(t, fx, model, genFilter(&byteSource{b: b}, model, 0))
	}
	mustCheck(t, fx.mem)
	mustCheck(t, fx.peb)
}
