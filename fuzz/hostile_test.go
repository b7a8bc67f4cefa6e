package fuzz

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/relstore/relstore/server"
)

// Hostile input over HTTP: every case sends what a careless or malicious
// client might, and checks the answer is a clear 4xx (never a 5xx, a hang
// or a crash) and that hidden properties never leak.

// call sends one request; target is "path?query" (the query is used as
// given, not re-encoded). hdr are header name/value pairs.
func call(t *testing.T, h http.Handler, method, target, body string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	path, query, _ := strings.Cut(target, "?")
	headers := http.Header{}
	for i := 0; i+1 < len(hdr); i += 2 {
		headers.Add(hdr[i], hdr[i+1])
	}
	if body != "" && headers.Get("Content-Type") == "" {
		headers.Set("Content-Type", "application/json")
	}
	rec, streamed := serveOnce(t, h, method, path, query, []byte(body), headers)
	if streamed {
		t.Fatalf("%s %s: an unexpected stream", method, target)
	}
	if rec.Code >= 500 {
		t.Fatalf("%s %s: status %d: %s", method, target, rec.Code, rec.Body.String())
	}
	return rec
}

// errorCode returns the status and LB3 error code of an answer.
func errorCode(rec *httptest.ResponseRecorder) (int, string) {
	var body struct {
		Error struct {
			Code string `json:"code"`
			Name string `json:"name"`
		} `json:"error"`
	}
	json.Unmarshal(rec.Body.Bytes(), &body)
	code := body.Error.Code
	if code == "" {
		code = body.Error.Name
	}
	return rec.Code, code
}

func expect(t *testing.T, rec *httptest.ResponseRecorder, what string, status int, code string) {
	t.Helper()
	st, c := errorCode(rec)
	if st != status || (code != "" && c != code) {
		t.Errorf("%s: got %d %s, want %d %s: %s", what, st, c, status, code, truncate(rec.Body.String(), 300))
	}
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

func q(v any) string { return url.QueryEscape(jsonText(v)) }

// nestedAnd builds a where nested n "and" levels deep.
func nestedAnd(n int) map[string]any {
	w := map[string]any{"pages": map[string]any{"gt": 1.0}}
	for i := 0; i < n; i++ {
		w = map[string]any{"and": []any{w}}
	}
	return w
}

func TestHostileHTTP(t *testing.T) {
	h, db := newLibraryServer(t, server.Options{})

	t.Run("oversized bodies", func(t *testing.T) {
		big := `{"name": "` + strings.Repeat("x", server.DefaultMaxBodyBytes) + `"}`
		expect(t, call(t, h, "POST", "/api/Authors", big), "declared oversized body", 413, "")
		// The same without a Content-Length (chunked upload).
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("POST", "/api/Authors", io.MultiReader(strings.NewReader(big)))
		req.ContentLength = -1
		req.Header.Set("Content-Type", "application/json")
		h.ServeHTTP(rec, req)
		expect(t, rec, "chunked oversized body", 413, "")
		var e struct{ Error struct{ Name string } }
		json.Unmarshal(rec.Body.Bytes(), &e)
		if e.Error.Name != "PayloadTooLargeError" {
			t.Errorf("413 named %q", e.Error.Name)
		}
		// Just under the limit is read (and answered on its merits).
		fits := `{"name": "` + strings.Repeat("y", server.DefaultMaxBodyBytes-20) + `"}`
		if rec := call(t, h, "POST", "/api/Authors", fits); rec.Code != 200 {
			t.Errorf("a body under the limit: %d %s", rec.Code, truncate(rec.Body.String(), 200))
		}
		small, _ := newLibraryServer(t, server.Options{MaxBodyBytes: 64})
		expect(t, call(t, small, "PATCH", "/api/Authors/1", `{"name": "`+strings.Repeat("z", 100)+`"}`), "MaxBodyBytes 64", 413, "")
		expect(t, call(t, small, "POST", "/api/Authors/1/books", `[`+strings.Repeat(`{},`, 40)+`{}]`), "MaxBodyBytes 64, relation create", 413, "")
	})

	t.Run("oversized query strings", func(t *testing.T) {
		expect(t, call(t, h, "GET", "/api/Books?"+strings.Repeat("x=1&", 1001), ""), "1001 parameters", 400, "TOO_MANY_PARAMETERS")
		// A long but legal filter is answered.
		var ors []any
		for i := 0; i < 3000; i++ {
			ors = append(ors, map[string]any{"title": fmt.Sprintf("t%05d", i)})
		}
		rec := call(t, h, "GET", "/api/Books?filter="+q(map[string]any{"where": map[string]any{"or": ors}}), "")
		if rec.Code != 200 {
			t.Errorf("a 3000-clause or: %d %s", rec.Code, truncate(rec.Body.String(), 200))
		}
		// Over a real connection, a request line beyond the server's header
		// limit is refused by net/http before relstore sees it.
		ts := httptest.NewServer(h)
		defer ts.Close()
		resp, err := http.Get(ts.URL + "/api/Books?filter=" + strings.Repeat("a", 2<<20))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("a 2 MB query string over HTTP: %d", resp.StatusCode)
		}
	})

	t.Run("deep nesting", func(t *testing.T) {
		if rec := call(t, h, "GET", "/api/Books?filter="+q(map[string]any{"where": nestedAnd(5)}), ""); rec.Code != 200 {
			t.Errorf("5 nested ands: %d %s", rec.Code, rec.Body.String())
		}
		expect(t, call(t, h, "GET", "/api/Books?filter="+q(map[string]any{"where": nestedAnd(40)}), ""), "40 nested ands", 400, "QUERY_OBJECT_TOO_DEEP")
		expect(t, call(t, h, "GET", "/api/Books/count?where="+q(nestedAnd(40)), ""), "40 nested ands in count", 400, "QUERY_OBJECT_TOO_DEEP")
		// The same in bracket syntax.
		key := "filter[where]" + strings.Repeat("[and][0]", 40) + "[pages]"
		expect(t, call(t, h, "GET", "/api/Books?"+url.QueryEscape(key)+"=1", ""), "40 nested ands, bracket syntax", 400, "QUERY_OBJECT_TOO_DEEP")
		// JSON nested beyond what the decoder takes.
		deep := strings.Repeat(`{"and":[`, 20000) + `{}` + strings.Repeat(`]}`, 20000)
		expect(t, call(t, h, "GET", "/api/Books?filter="+url.QueryEscape(`{"where":`+deep+`}`), ""), "20000 levels of JSON", 400, "")
		tooDeep := strings.Repeat(`[`, 11000) + strings.Repeat(`]`, 11000)
		expect(t, call(t, h, "POST", "/api/Books", `{"title": "t", "deep": `+tooDeep+`}`), "11000 levels of JSON body", 400, "")
		// A deep value in a body the decoder takes: stored and read back,
		// or refused, never a 5xx or a record that cannot be read.
		for _, levels := range []int{100, 1000, 5000} {
			nested := strings.Repeat(`{"a":[`, levels) + `1` + strings.Repeat(`]}`, levels)
			rec := call(t, h, "POST", "/api/Books", `{"title": "deep", "deep": `+nested+`}`)
			if rec.Code == 200 {
				var b map[string]any
				json.Unmarshal(rec.Body.Bytes(), &b)
				back := call(t, h, "GET", fmt.Sprintf("/api/Books/%v", b["id"]), "")
				if back.Code != 200 || !strings.Contains(back.Body.String(), `"deep"`) {
					t.Errorf("a %d-level value stored but read back as %d %s", levels, back.Code, truncate(back.Body.String(), 200))
				}
				call(t, h, "GET", "/api/Books", "")
			}
			t.Logf("%d levels of nesting in a property: %d", levels, rec.Code)
		}
		mustCheck(t, db)
		expect(t, call(t, h, "GET", "/api/Books?filter="+q(map[string]any{"where": map[string]any{strings.Repeat("a.", 100) + "b": 1}}), ""), "a 101-segment path", 400, "")
		// Includes: a few levels work, too many are refused.
		inc := any("books")
		for i := 0; i < 3; i++ {
			inc = map[string]any{"books": map[string]any{"author": inc}}
		}
		if rec := call(t, h, "GET", "/api/Authors?filter="+q(map[string]any{"include": inc}), ""); rec.Code != 200 {
			t.Errorf("7 nested includes: %d %s", rec.Code, truncate(rec.Body.String(), 200))
		}
		for i := 0; i < 5; i++ {
			inc = map[string]any{"books": map[string]any{"author": inc}}
		}
		expect(t, call(t, h, "GET", "/api/Authors?filter="+q(map[string]any{"include": inc}), ""), "17 nested includes", 400, "INCLUDE_TOO_DEEP")
		scoped := any(map[string]any{"relation": "author"})
		for i := 0; i < 12; i++ {
			scoped = map[string]any{"relation": "books", "scope": map[string]any{"include": map[string]any{"relation": "author", "scope": map[string]any{"include": scoped}}}}
		}
		expect(t, call(t, h, "GET", "/api/Authors?filter="+q(map[string]any{"include": scoped}), ""), "deep scoped includes", 400, "")
	})

	t.Run("catastrophic regular expressions", func(t *testing.T) {
		title := strings.Repeat("a", 50_000) + "X"
		if rec := call(t, h, "POST", "/api/Books", jsonText(map[string]any{"title": title})); rec.Code != 200 {
			t.Fatalf("create: %d", rec.Code)
		}
		for _, f := range []map[string]any{
			{"where": map[string]any{"title": map[string]any{"regexp": "/^(a+)+$/"}}},
			{"where": map[string]any{"title": map[string]any{"regexp": "^(a|a)*$"}}},
			{"where": map[string]any{"title": map[string]any{"regexp": "^(a|aa)+$"}}},
			{"where": map[string]any{"title": map[string]any{"like": strings.Repeat("%a", 40) + "%b"}}},
			{"where": map[string]any{"title": map[string]any{"ilike": "(a*)*b"}}},
		} {
			start := time.Now()
			rec := call(t, h, "GET", "/api/Books/count?where="+q(f["where"]), "")
			if rec.Code != 200 {
				t.Errorf("%s: %d %s", jsonText(f), rec.Code, rec.Body.String())
			}
			t.Logf("%s answered %s in %v", jsonText(f), strings.TrimSpace(rec.Body.String()), time.Since(start).Round(time.Millisecond))
		}
		expect(t, call(t, h, "GET", "/api/Books?filter="+q(map[string]any{"where": map[string]any{"title": map[string]any{"regexp": "(a"}}}), ""), "a bad pattern", 400, "INVALID_VALUE")
		expect(t, call(t, h, "GET", "/api/Books?filter="+q(map[string]any{"where": map[string]any{"title": map[string]any{"regexp": "a{1001}"}}}), ""), "a repeat over RE2's limit", 400, "INVALID_VALUE")
	})

	t.Run("huge limits", func(t *testing.T) {
		n, _ := db.Count(bg, "Book", nil)
		for _, c := range []struct {
			filter string
			status int
			rows   int
		}{
			{`{"limit": 1e300}`, 400, 0},
			{`{"limit": 9007199254740991}`, 200, n},
			{`{"limit": 9007199254740992}`, 400, 0},
			{`{"limit": -1}`, 400, 0},
			{`{"limit": "Infinity"}`, 400, 0},
			{`{"limit": 1.5}`, 400, 0},
			{`{"skip": 9007199254740991}`, 200, 0},
			{`{"skip": 1e300}`, 400, 0},
			{`{"limit": [1]}`, 400, 0},
		} {
			rec := call(t, h, "GET", "/api/Books?filter="+url.QueryEscape(c.filter), "")
			if rec.Code != c.status {
				t.Errorf("%s: %d, want %d: %s", c.filter, rec.Code, c.status, truncate(rec.Body.String(), 200))
				continue
			}
			if c.status == 200 {
				var recs []any
				json.Unmarshal(rec.Body.Bytes(), &recs)
				if len(recs) != c.rows {
					t.Errorf("%s: %d rows, want %d", c.filter, len(recs), c.rows)
				}
			}
		}
		capped, _ := newLibraryServer(t, server.Options{MaxLimit: 5})
		for _, f := range []string{`{"limit": 1e300}`, `{"limit": 9007199254740991}`, `{}`, `{"limit": "6"}`} {
			rec := call(t, capped, "GET", "/api/Books?filter="+url.QueryEscape(f), "")
			var recs []any
			json.Unmarshal(rec.Body.Bytes(), &recs)
			if rec.Code != 200 || len(recs) != 5 {
				t.Errorf("MaxLimit 5, %s: %d with %d rows", f, rec.Code, len(recs))
			}
		}
	})

	t.Run("unknown routes and methods", func(t *testing.T) {
		for _, c := range []struct{ method, target string }{
			{"GET", "/api/Nope"}, {"GET", "/api/"}, {"GET", "/api"}, {"GET", "/nope"}, {"GET", "/"},
			{"BREW", "/api/Authors"}, {"DELETE", "/api/Authors"}, {"PATCH", "/api/Authors/1/books"},
			{"POST", "/api/Authors/1"}, {"GET", "/api/Authors/1/nope"}, {"GET", "/api/Authors/1/books/2/3/4"},
			{"PUT", "/api/Books/1/author"}, {"GET", "/api/Authors/1/books/rel/2"},
			{"TRACE", "/api/Authors"}, {"CONNECT", "/api/Authors"}, {"POST", "/_relstore/explain/Author"},
			{"GET", "/_relstore/explain/Nope"},
		} {
			rec := call(t, h, c.method, c.target, "")
			if rec.Code != 404 && rec.Code != 405 {
				t.Errorf("%s %s: %d %s", c.method, c.target, rec.Code, truncate(rec.Body.String(), 200))
			}
			checkResponseBody(t, c.method+" "+c.target, c.method, rec)
		}
	})

	t.Run("non-JSON bodies", func(t *testing.T) {
		for _, c := range []struct {
			body, ct string
			status   int
		}{
			{"hello", "text/plain", 415},
			{`{"name": "x"`, "application/json", 400},
			{"\x00\x01\x02\xff", "application/json", 400},
			{"\xef\xbb\xbf{}", "application/json", 400},
			{`[1, 2]`, "application/json", 400},
			{`42`, "application/json", 400},
			{`"str"`, "application/json", 400},
			{`name=formname`, "application/x-www-form-urlencoded", 200},
			{`{"name": "x"}`, "multipart/form-data; boundary=zz", 415},
			{`{"name": "x"}`, "application/json; charset=latin-1", 200},
			{`{"name": "x"}`, "bogus", 415},
			{`{"name": "x"} trailing`, "application/json", 400},
			{`{"name": "x", "name": "y"}`, "application/json", 200},
		} {
			rec := call(t, h, "POST", "/api/Authors", c.body, "Content-Type", c.ct)
			if rec.Code != c.status {
				t.Errorf("body %q as %s: %d, want %d: %s", c.body, c.ct, rec.Code, c.status, truncate(rec.Body.String(), 200))
			}
			checkResponseBody(t, "POST "+c.body, "POST", rec)
		}
	})

	t.Run("malformed ids", func(t *testing.T) {
		for _, target := range []string{
			"/api/Authors/abc", "/api/Authors/1e999", "/api/Authors/%00", "/api/Authors/-1", "/api/Authors/1.5",
			"/api/Authors/NaN", "/api/Authors/Infinity", "/api/Authors/%7B%7D", "/api/Authors/" + strings.Repeat("9", 400),
			"/api/Authors/1/books/abc", "/api/Authors/abc/books", "/api/Authors/abc/books/count", "/api/Books/abc/author",
			"/api/Books/1/tags/rel/abc", "/api/Authors/%E2%80%AE1", "/api/Authors/0x1", "/api/Authors/1%2F2",
		} {
			for _, m := range []string{"GET", "DELETE", "PUT", "PATCH", "HEAD"} {
				rec := call(t, h, m, target, `{"name": "n"}`)
				if rec.Code != 404 && rec.Code != 400 && rec.Code != 200 && rec.Code != 204 {
					t.Errorf("%s %s: %d %s", m, target, rec.Code, truncate(rec.Body.String(), 200))
				}
				if m == "DELETE" && rec.Code == 200 && !strings.Contains(rec.Body.String(), `"count":0`) {
					t.Errorf("DELETE %s deleted something: %s", target, rec.Body.String())
				}
			}
		}
		mustCheck(t, db)
	})

	t.Run("hidden properties never leak", func(t *testing.T) {
		testHiddenNeverLeaks(t)
	})

	t.Run("every route refuses a missing or wrong token", func(t *testing.T) {
		testTokenRequired(t)
	})
	mustCheck(t, db)
}

// testHiddenNeverLeaks probes every way an answer could carry a hidden
// property of the fixture (passwords hold "SECRET", costs are 9999.xx) or
// a protected one inside an include.
func testHiddenNeverLeaks(t *testing.T) {
	h, db := newLibraryServer(t, server.Options{})
	refused := []string{
		`/api/Authors?filter=` + q(map[string]any{"where": map[string]any{"password": "x"}}),
		`/api/Authors?filter=` + q(map[string]any{"where": map[string]any{"password": map[string]any{"like": "S%"}}}),
		`/api/Authors?filter=` + q(map[string]any{"where": map[string]any{"or": []any{map[string]any{"password": map[string]any{"gt": "a"}}}}}),
		`/api/Authors?filter=` + q(map[string]any{"order": "password ASC"}),
		`/api/Books?filter=` + q(map[string]any{"order": "author.password DESC"}),
		`/api/Books?filter=` + q(map[string]any{"where": map[string]any{"author.password": map[string]any{"regexp": "^pw"}}}),
		`/api/Books?filter=` + q(map[string]any{"where": map[string]any{"author": map[string]any{"password": "x"}}}),
		`/api/Authors?filter=` + q(map[string]any{"where": map[string]any{"books": map[string]any{"some": map[string]any{"cost": map[string]any{"gt": 1}}}}}),
		`/api/Reviews?filter=` + q(map[string]any{"where": map[string]any{"book.cost": map[string]any{"between": []any{0, 99999}}}}),
		`/api/Authors?filter=` + q(map[string]any{"include": map[string]any{"relation": "books", "scope": map[string]any{"where": map[string]any{"cost": 1}}}}),
		`/api/Authors/count?where=` + q(map[string]any{"password": map[string]any{"neq": nil}}),
		`/api/Authors/1/books?filter=` + q(map[string]any{"order": "cost DESC"}),
		`/api/Authors/1/books/count?where=` + q(map[string]any{"cost": map[string]any{"gt": 0}}),
		`/api/Authors/findOne?filter=` + q(map[string]any{"where": map[string]any{"password": map[string]any{"inq": []any{"a"}}}}),
		`/_relstore/explain/Author?filter=` + q(map[string]any{"where": map[string]any{"password": "x"}}),
		`/api/Authors/adults?filter=` + q(map[string]any{"order": "password ASC"}),
		`/api/Authors/change-stream?options=` + q(map[string]any{"where": map[string]any{"password": "x"}}),
	}
	for _, target := range refused {
		expect(t, call(t, h, "GET", target, ""), "GET "+target, 400, "PROHIBITED_PROPERTY")
	}
	expect(t, call(t, h, "POST", `/api/Authors/update?where=`+q(map[string]any{"password": "x"}), `{"age": 1}`), "update where password", 400, "PROHIBITED_PROPERTY")
	expect(t, call(t, h, "POST", `/api/Authors/upsertWithWhere?where=`+q(map[string]any{"password": "x"}), `{"name": "n"}`), "upsertWithWhere where password", 400, "PROHIBITED_PROPERTY")

	shown := []string{
		"/api/Authors", "/api/Authors/1", "/api/Authors/findOne", "/api/Authors/adults", "/api/Books", "/api/Books/1",
		`/api/Authors?filter=` + q(map[string]any{"fields": []any{"password", "name", "notes"}}),
		`/api/Authors?filter=` + q(map[string]any{"fields": map[string]any{"name": false}}),
		`/api/Authors?filter=` + q(map[string]any{"fields": map[string]any{"password": true}}),
		`/api/Authors/1?filter=` + q(map[string]any{"fields": []any{"password"}}),
		`/api/Books?filter=` + q(map[string]any{"include": "author"}),
		`/api/Books?filter=` + q(map[string]any{"include": map[string]any{"relation": "author", "scope": map[string]any{"fields": []any{"id", "password", "notes", "name"}}}}),
		`/api/Authors?filter=` + q(map[string]any{"include": map[string]any{"books": []any{"author", "reviews"}}}),
		`/api/Authors?filter=` + q(map[string]any{"include": map[string]any{"relation": "books", "scope": map[string]any{"fields": map[string]any{"cost": true, "authorId": true}}}}),
		`/api/Reviews?filter=` + q(map[string]any{"include": map[string]any{"book": "author"}}),
		`/api/Tags?filter=` + q(map[string]any{"include": map[string]any{"books": "author"}}),
		`/api/Profiles?filter=` + q(map[string]any{"include": "author"}),
		"/api/Books/3/author", "/api/Authors/1/books", "/api/Authors/1/books/14", "/api/Books/1/tags", "/api/Authors/1/profile",
		"/api/Reviews/1/book", "/api/Tags/1/books", "/api/Profiles/1/author",
		`/api/Authors?filter=` + q(map[string]any{"order": "notes DESC"}),
		`/api/Books?filter=` + q(map[string]any{"order": "author.name ASC", "include": "author"}),
		`/_relstore/explain/Author?filter=` + q(map[string]any{"include": "books"}),
	}
	for _, target := range shown {
		rec := call(t, h, "GET", target, "")
		if rec.Code != 200 {
			t.Errorf("GET %s: %d %s", target, rec.Code, truncate(rec.Body.String(), 300))
		}
		checkNoLeak(t, "GET "+target, "", rec.Body.String())
	}
	// Writes answer the written record without its hidden properties.
	writes := []struct{ method, target, body string }{
		{"POST", "/api/Authors", `{"name": "w", "password": "pw-x", "email": "w@x"}`},
		{"PATCH", "/api/Authors/2", `{"age": 50}`},
		{"PUT", "/api/Authors/2", `{"name": "bob2", "password": "pw-y"}`},
		{"POST", "/api/Authors/3/replace", `{"name": "cy2"}`},
		{"PATCH", "/api/Authors", `{"id": 5, "age": 1}`},
		{"PUT", "/api/Authors", `{"id": 6, "name": "f", "password": "pw-z"}`},
		{"POST", "/api/Authors/upsertWithWhere?where=" + q(map[string]any{"name": "gus"}), `{"name": "gus", "age": 9}`},
		{"POST", "/api/Authors/1/books", `{"title": "nb", "cost": 1}`},
		{"PUT", "/api/Authors/1/books/14", `{"pages": 3}`},
		{"POST", "/api/Authors/2/profile", `{"bio": "b"}`},
		{"PUT", "/api/Authors/1/profile", `{"bio": "c"}`},
		{"PUT", "/api/Books/5/tags/rel/1", `{}`},
		{"POST", "/api/Books/5/tags", `{"label": "l"}`},
		{"POST", "/api/Authors/adults", `{"name": "grown", "age": 40}`},
	}
	for _, w := range writes {
		rec := call(t, h, w.method, w.target, w.body)
		if rec.Code != 200 {
			t.Errorf("%s %s: %d %s", w.method, w.target, rec.Code, truncate(rec.Body.String(), 300))
		}
		checkNoLeak(t, w.method+" "+w.target, "", rec.Body.String())
		if strings.Contains(rec.Body.String(), "pw-") || strings.Contains(rec.Body.String(), `"cost"`) {
			t.Errorf("%s %s answered a hidden property: %s", w.method, w.target, rec.Body.String())
		}
	}
	testChangeStreamHidesHidden(t, h, db)
	testErrorMessagesHideHidden(t)
	mustCheck(t, db)
}

// testChangeStreamHidesHidden subscribes to the Author change stream and
// writes passwords: no event may carry one.
func testChangeStreamHidesHidden(t *testing.T, h http.Handler, db interface{}) {
	t.Helper()
	ts := httptest.NewServer(h)
	defer ts.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+"/api/Authors/change-stream", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	events := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			events <- sc.Text()
		}
		close(events)
	}()
	if first := <-events; first != ":ok" {
		t.Fatalf("change stream starts with %q", first)
	}
	for _, w := range []struct{ method, target, body string }{
		{"POST", "/api/Authors", `{"name": "s", "password": "pw-` + secretMarker + `-new"}`},
		{"PATCH", "/api/Authors/1", `{"password": "pw-` + secretMarker + `-patched", "age": 7}`},
		{"PUT", "/api/Authors/2", `{"name": "bob", "password": "pw-` + secretMarker + `-put"}`},
		{"POST", "/api/Authors/update?where=" + q(map[string]any{"id": 3}), `{"age": 8}`},
		{"DELETE", "/api/Authors/4", ""},
	} {
		req, _ := http.NewRequest(w.method, ts.URL+w.target, strings.NewReader(w.body))
		req.Header.Set("Content-Type", "application/json")
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
		if r.StatusCode != 200 {
			t.Errorf("%s %s: %d", w.method, w.target, r.StatusCode)
		}
	}
	got := 0
	timeout := time.After(10 * time.Second)
	for got < 5 {
		select {
		case line, ok := <-events:
			if !ok {
				t.Fatalf("the change stream ended after %d events", got)
			}
			if strings.HasPrefix(line, "data: ") {
				got++
				if strings.Contains(line, secretMarker) || strings.Contains(line, "password") {
					t.Errorf("change event carries a hidden property: %s", line)
				}
			}
		case <-timeout:
			t.Fatalf("only %d change events in 10s", got)
		}
	}
}

// testErrorMessagesHideHidden provokes errors whose messages describe
// stored records: a unique index that includes a hidden property must not
// print the stored hidden value to a client that did not send it.
func testErrorMessagesHideHidden(t *testing.T) {
	t.Helper()
	db := openDB(t, memPebble(t), nil, `{"name": "Account", "base": "PersistedModel", "forceId": false,
	  "properties": {"login": "string", "pin": "string", "team": "string"},
	  "hidden": ["pin"],
	  "indexes": {"login_pin": {"keys": {"login": 1, "pin": 1}, "options": {"unique": true}},
	              "team_pin": {"keys": {"team": 1, "pin": 1}, "options": {"unique": true}}}}`)
	h := server.New(db, &server.Options{Logger: discardLogger()})
	for _, body := range []string{
		`{"id": 1, "login": "alice", "team": "red", "pin": "` + secretMarker + `-1111"}`,
		`{"id": 2, "login": "bob", "team": "blue", "pin": "` + secretMarker + `-1111"}`,
	} {
		if rec := call(t, h, "POST", "/api/Accounts", body); rec.Code != 200 {
			t.Fatalf("create: %d %s", rec.Code, rec.Body.String())
		}
	}
	for _, c := range []struct{ method, target, body string }{
		{"PATCH", "/api/Accounts/2", `{"login": "alice"}`},
		{"PATCH", "/api/Accounts/2", `{"team": "red"}`},
		{"POST", "/api/Accounts/update?where=" + q(map[string]any{"id": 2}), `{"login": "alice"}`},
	} {
		rec := call(t, h, c.method, c.target, c.body)
		if rec.Code != 409 {
			t.Errorf("%s %s %s: %d, want 409: %s", c.method, c.target, c.body, rec.Code, rec.Body.String())
		}
		if strings.Contains(rec.Body.String(), secretMarker) {
			t.Errorf("%s %s %s: the error message shows a stored hidden value: %s", c.method, c.target, c.body, rec.Body.String())
		}
	}
}

// testTokenRequired: with Options.Token, every API route (and the explain
// endpoint) answers 401 to a missing or wrong token, writes nothing, and
// works with the right one; /healthz stays open.
func testTokenRequired(t *testing.T) {
	const token = "s3cr3t-token"
	h, db := newLibraryServer(t, server.Options{Token: token})
	before := storeSnapshot(t, db)
	routes := apiRoutes()
	bad := [][]string{
		nil,
		{"Authorization", "Bearer wrong"},
		{"Authorization", "Bearer " + token + "x"},
		{"Authorization", "Bearer"},
		{"Authorization", "Bearer "},
		{"Authorization", "Basic " + token},
		{"Authorization", token},
		{"Authorization", "Bearer " + strings.ToUpper(token)},
		{"Authorization", "Bearer " + token[:len(token)-1]},
		{"X-Access-Token", token},
	}
	badQueries := []string{"access_token=wrong", "access_token=", "access_token=" + token + "%00", "ACCESS_TOKEN=" + token}
	for _, r := range routes {
		for _, hdr := range bad {
			rec := call(t, h, r.method, r.target, r.body, hdr...)
			expect(t, rec, fmt.Sprintf("%s %s with %v", r.method, r.target, hdr), 401, "")
			if r.method != "HEAD" {
				expect(t, rec, fmt.Sprintf("%s %s with %v", r.method, r.target, hdr), 401, "AUTHORIZATION_REQUIRED")
			}
		}
		for _, bq := range badQueries {
			sep := "?"
			if strings.Contains(r.target, "?") {
				sep = "&"
			}
			expect(t, call(t, h, r.method, r.target+sep+bq, r.body), r.method+" "+r.target+" with "+bq, 401, "")
		}
	}
	if after := storeSnapshot(t, db); after != before {
		t.Errorf("refused requests changed the store")
	}
	// The right token opens every route (the change stream is left out: it
	// would stream).
	for _, r := range routes {
		if strings.Contains(r.target, "change-stream") {
			continue
		}
		if rec := call(t, h, r.method, r.target, r.body, "Authorization", "Bearer "+token); rec.Code == 401 {
			t.Errorf("%s %s with the right token: 401", r.method, r.target)
		}
	}
	sep := "?"
	if rec := call(t, h, "GET", "/api/Authors"+sep+"access_token="+token, ""); rec.Code != 200 {
		t.Errorf("access_token parameter: %d", rec.Code)
	}
	if rec := call(t, h, "GET", "/healthz", ""); rec.Code != 200 {
		t.Errorf("/healthz with a token set: %d", rec.Code)
	}
	mustCheck(t, db)
}

type apiRoute struct{ method, target, body string }

// apiRoutes lists a request for every route the server exposes for
// libraryModels (LB3's PersistedModel, scope and relation remoting), plus
// the explain endpoint.
func apiRoutes() []apiRoute {
	var rs []apiRoute
	for _, p := range []string{"Authors", "Books", "Reviews", "Tags", "BookTags", "Profiles"} {
		base := "/api/" + p
		rs = append(rs,
			apiRoute{"POST", base, `{"name": "n", "title": "t"}`},
			apiRoute{"PATCH", base, `{"id": 1}`},
			apiRoute{"PUT", base, `{"id": 1, "name": "n", "title": "t"}`},
			apiRoute{"POST", base + "/replaceOrCreate", `{"id": 1, "name": "n", "title": "t"}`},
			apiRoute{"POST", base + "/upsertWithWhere?where=" + q(map[string]any{"id": 1}), `{"name": "n", "title": "t"}`},
			apiRoute{"GET", base + "/1/exists", ""},
			apiRoute{"HEAD", base + "/1", ""},
			apiRoute{"GET", base + "/1", ""},
			apiRoute{"PUT", base + "/1", `{"name": "n", "title": "t"}`},
			apiRoute{"POST", base + "/1/replace", `{"name": "n", "title": "t"}`},
			apiRoute{"GET", base, ""},
			apiRoute{"GET", base + "/findOne", ""},
			apiRoute{"POST", base + "/update?where=" + q(map[string]any{"id": 1}), `{}`},
			apiRoute{"DELETE", base + "/1", ""},
			apiRoute{"GET", base + "/count", ""},
			apiRoute{"PATCH", base + "/1", `{}`},
			apiRoute{"GET", base + "/change-stream", ""},
			apiRoute{"POST", base + "/change-stream", ""},
			apiRoute{"GET", "/_relstore/explain/" + p, ""},
		)
	}
	for _, s := range []string{"GET", "POST", "DELETE"} {
		rs = append(rs, apiRoute{s, "/api/Authors/adults", `{"name": "n"}`})
	}
	rs = append(rs, apiRoute{"GET", "/api/Authors/adults/count", ""})
	for _, rel := range []struct{ path, fk string }{{"/api/Authors/1/books", "14"}, {"/api/Books/1/reviews", "1"}, {"/api/Books/1/tags", "1"}, {"/api/Tags/1/books", "1"}} {
		rs = append(rs,
			apiRoute{"GET", rel.path, ""}, apiRoute{"POST", rel.path, `{"title": "t"}`}, apiRoute{"DELETE", rel.path, ""},
			apiRoute{"GET", rel.path + "/count", ""}, apiRoute{"GET", rel.path + "/" + rel.fk, ""},
			apiRoute{"PUT", rel.path + "/" + rel.fk, `{}`}, apiRoute{"DELETE", rel.path + "/" + rel.fk, ""})
	}
	for _, link := range []string{"/api/Books/1/tags/rel/2", "/api/Tags/1/books/rel/2"} {
		rs = append(rs, apiRoute{"PUT", link, `{}`}, apiRoute{"DELETE", link, ""}, apiRoute{"HEAD", link, ""})
	}
	for _, one := range []string{"/api/Books/1/author", "/api/Reviews/1/book", "/api/BookTags/1/book", "/api/BookTags/1/tag", "/api/Profiles/1/author"} {
		rs = append(rs, apiRoute{"GET", one, ""})
	}
	for _, m := range []string{"GET", "POST", "PUT", "DELETE"} {
		rs = append(rs, apiRoute{m, "/api/Authors/1/profile", `{"bio": "b"}`})
	}
	// Paths that match no route must not reveal that either.
	rs = append(rs, apiRoute{"GET", "/api/Nope", ""}, apiRoute{"BREW", "/api/Authors", ""}, apiRoute{"GET", "/api", ""},
		apiRoute{"OPTIONS", "/api/Authors", ""})
	return rs
}

// storeSnapshot renders every record of the library models.
func storeSnapshot(t *testing.T, db interface {
	Find(ctx context.Context, model string, f map[string]any) ([]map[string]any, error)
}) string {
	t.Helper()
	var b strings.Builder
	for _, m := range []string{"Author", "Book", "Review", "Tag", "BookTag", "Profile"} {
		recs, err := db.Find(bg, m, nil)
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString(jsonText(recs))
	}
	return b.String()
}

// TestObjectIDsAreClientErrors: the loader accepts an id property whose
// type admits objects or arrays (any, object, array, geopoint); a client
// that sends such a value as the id must get a 4xx, not a 500 (it used to
// be a 500: the key codec refused the value and the engine passed its
// error on unclassified).
func TestObjectIDsAreClientErrors(t *testing.T) {
	for _, typ := range []string{`"any"`, `"object"`, `["number"]`, `"geopoint"`} {
		db := openDB(t, memPebble(t), nil, `{"name": "Thing", "idInjection": false, "properties": {"k": {"type": `+typ+`, "id": true}}}`)
		h := server.New(db, &server.Options{Logger: discardLogger()})
		for _, c := range []struct{ method, body string }{
			{"POST", `{"k": {"lat": 1, "lng": 2}}`}, {"POST", `{"k": [1]}`}, {"PUT", `{"k": {"x": 1}}`},
			{"PATCH", `{"k": [1, 2]}`}, {"POST", `[{"k": [3]}]`},
		} {
			rec, _ := serveOnce(t, h, c.method, "/api/Things", "", []byte(c.body), http.Header{"Content-Type": {"application/json"}})
			if rec.Code < 400 || rec.Code >= 500 {
				t.Errorf("id type %s: %s %s: %d %s", typ, c.method, c.body, rec.Code, rec.Body.String())
			}
		}
		mustCheck(t, db)
	}
}
