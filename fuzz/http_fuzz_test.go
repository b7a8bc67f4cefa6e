package fuzz

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/relstore/relstore/engine"
	"github.com/relstore/relstore/server"
	"github.com/relstore/relstore/storage"
)

// newLibraryServer opens a memory DB with libraryModels and the fixture's
// records and returns the REST handler over it. The DB is closed when the
// test ends.
func newLibraryServer(t testing.TB, opts server.Options) (http.Handler, *engine.DB) {
	t.Helper()
	db, err := engine.Open(storage.NewMemory(), &engine.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Define(loadSet(t, libraryModels...)); err != nil {
		t.Fatal(err)
	}
	if err := populate(db); err != nil {
		t.Fatal(err)
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return server.New(db, &opts), db
}

var httpMethods = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "BREW", "get"}

var httpContentTypes = []string{"application/json", "", "application/x-www-form-urlencoded", "text/plain",
	"application/merge-patch+json", "multipart/form-data; boundary=x", "application/json; charset=utf-8", "a/b/c", ";;"}

// httpSeeds: method index, path below /api/, raw query, body, content type
// index.
var httpSeeds = []struct {
	method uint8
	path   string
	query  string
	body   string
	ct     uint8
}{
	{0, "Books", `filter={"where":{"pages":{"gt":100}},"include":"author","order":"title DESC","limit":3}`, "", 0},
	{0, "Authors", `filter[where][name][like]=a%25&filter[include][books]=reviews&filter[fields][password]=true`, "", 0},
	{0, "Authors/1", `filter={"include":[{"relation":"books","scope":{"where":{"genre":"sf"}}}]}`, "", 0},
	{0, "Authors/1/books", `filter={"order":"pages ASC"}`, "", 0},
	{0, "Authors/1/books/count", `where={"pages":{"lt":300}}`, "", 0},
	{0, "Books/3/author", "refresh=true", "", 0},
	{0, "Books/3/tags", "", "", 0},
	{4, "Books/3/tags/rel/2", "", "", 0},
	{2, "Books/3/tags/rel/2", "", `{}`, 0},
	{0, "Authors/count", `where={"age":{"gte":18}}`, "", 0},
	{0, "Authors/adults", "", "", 0},
	{0, "Authors/findOne", `filter={"where":{"email":{"neq":null}}}`, "", 0},
	{0, "Authors/2/exists", "", "", 0},
	{5, "Authors/2", "", "", 0},
	{1, "Authors", "", `{"name":"zed","email":"z@x","password":"pw","age":"40"}`, 0},
	{1, "Authors", "", `[{"name":"a1"},{"name":"a2","email":"ada@example.com"}]`, 0},
	{1, "Authors", "", `name=form&age=3`, 2},
	{3, "Authors/1", "", `{"age":99,"password":null}`, 0},
	{2, "Authors/1", "", `{"name":"ada2"}`, 0},
	{1, "Authors/1/replace", "", `{"name":"ada3","id":1}`, 0},
	{3, "Authors", "", `{"id":2,"age":31}`, 0},
	{2, "Authors", "", `{"id":77,"name":"new"}`, 0},
	{1, "Authors/replaceOrCreate", "", `{"name":"roc"}`, 0},
	{1, "Authors/upsertWithWhere", `where={"name":"bob"}`, `{"age":5}`, 0},
	{1, "Books/update", `where={"genre":"sf"}`, `{"pages":1}`, 0},
	{4, "Authors/1", "", "", 0},
	{4, "Books/2/reviews", "", "", 0},
	{1, "Books/2/reviews", "", `{"stars":5,"bookId":99}`, 0},
	{2, "Books/2/reviews/3", "", `{"stars":1}`, 0},
	{4, "Books/2/reviews/3", "", "", 0},
	{0, "Authors/1/profile", "", "", 0},
	{1, "Authors/2/profile", "", `{"bio":"x"}`, 0},
	{2, "Authors/1/profile", "", `{"bio":"y"}`, 0},
	{4, "Authors/1/profile", "", "", 0},
	{4, "Authors/adults", "", "", 0},
	{1, "Authors/adults", "", `{"name":"kid","age":3}`, 0},
	{0, "Authors/change-stream", `options={"where":{"age":{"gt":1}}}`, "", 0},
	{0, "Nope", "", "", 0},
	{7, "Authors", "", "", 0},
	{1, "Authors", "", `{"name":`, 0},
	{1, "Authors", "", `"just a string"`, 3},
	{0, "Authors/%zz", "", "", 0},
	{0, "Books", `filter={"where":{"title":{"regexp":"/^(a+)+$/"}}}`, "", 0},
	{0, "Books", strings.Repeat("a=1&", 1001), "", 0},
	{0, "Books", `filter={"limit":1e300}`, "", 0},
	{6, "Books", "", "", 0},
}

// FuzzHTTP sends one fuzzed request (method, path below /api/, query,
// body, content type) to an in-process server over a fresh fixture DB and
// checks: no panic and no 5xx; a JSON body that parses, and for an error
// LB3's {"error": {statusCode, message}} with the response's status; no
// hidden or protected value in the answer unless the request itself
// carried it; and Check passes on the store afterwards. A request that
// does not finish quickly must be a change stream, which ends when its
// client goes away.
func FuzzHTTP(f *testing.F) {
	for _, s := range httpSeeds {
		f.Add(s.method, s.path, s.query, []byte(s.body), s.ct)
	}
	f.Add(uint8(0x80), "structured: choices, not a path", "", []byte{}, uint8(0))
	f.Add(uint8(0x81), "\x01\x05\x02\x03\x00\x07\x01\x02\x03\x04\x05\x06\x07\x08", "", []byte("\x03\x01"), uint8(0))
	f.Fuzz(func(t *testing.T, mi uint8, path, rawQuery string, body []byte, cti uint8) {
		h, db := newLibraryServer(t, server.Options{MaxLimit: 50, MaxBodyBytes: 4096})
		if mi&0x80 != 0 {
			// Structured mode: path holds the choices of genRequest.
			mi, path, rawQuery, body = genRequest(&byteSource{b: []byte(path)})
			cti = 0
		}
		method := httpMethods[int(mi)%len(httpMethods)]
		ct := httpContentTypes[int(cti)%len(httpContentTypes)]
		rec, streamed := serveOnce(t, h, method, "/api/"+path, rawQuery, body, http.Header{"Content-Type": {ct}})
		what := method + " /api/" + path + "?" + rawQuery + " " + string(body)
		if rec.Code >= 500 {
			t.Fatalf("%s: status %d: %s", what, rec.Code, rec.Body.String())
		}
		if !streamed {
			checkResponseBody(t, what, method, rec)
			request := path + rawQuery + string(body)
			if dq, err := url.QueryUnescape(request); err == nil {
				request += dq
			}
			checkNoLeak(t, what, request, rec.Body.String())
		}
		mustCheck(t, db)
	})
}

// serveOnce runs one request through h. A request still running after a
// while is cancelled (its client goes away); streamed reports that case,
// which is only acceptable for a change stream.
func serveOnce(t *testing.T, h http.Handler, method, path, rawQuery string, body []byte, hdr http.Header) (*httptest.ResponseRecorder, bool) {
	t.Helper()
	u, err := url.Parse("http://relstore.test" + path)
	if err != nil || u.Path == "" {
		u = &url.URL{Scheme: "http", Host: "relstore.test", Path: path}
	}
	u.RawQuery = rawQuery
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req := (&http.Request{Method: method, URL: u, Header: http.Header{}, Host: u.Host,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, RequestURI: u.RequestURI()}).WithContext(ctx)
	if len(body) > 0 {
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.ContentLength = int64(len(body))
	} else {
		req.Body = http.NoBody
	}
	for k, vs := range hdr {
		for _, v := range vs {
			if v != "" {
				req.Header.Add(k, v)
			}
		}
	}
	rec := newSyncRecorder()
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.ServeHTTP(rec, req)
	}()
	wait := 10 * time.Second
	if strings.Contains(strings.ToLower(path), "change") {
		wait = 30 * time.Millisecond
	}
	select {
	case <-done:
		return rec.result(), false
	case <-time.After(wait):
	}
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s %s?%s: still running 10s after its client went away", method, path, rawQuery)
	}
	res := rec.result()
	if !strings.HasPrefix(res.Header().Get("Content-Type"), "text/event-stream") {
		t.Fatalf("%s %s?%s: did not finish in %v and is not a change stream (status %d, %s)",
			method, path, rawQuery, wait, res.Code, res.Body.String())
	}
	return res, true
}

// checkResponseBody: a JSON answer that parses; errors in LB3's shape.
func checkResponseBody(t *testing.T, what, method string, rec *httptest.ResponseRecorder) {
	t.Helper()
	b := rec.Body.Bytes()
	if method == http.MethodHead || rec.Code == http.StatusNoContent || len(b) == 0 {
		return
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: status %d with a body that is not JSON: %q", what, rec.Code, b)
	}
	if rec.Code >= 400 {
		obj, _ := v.(map[string]any)
		e, _ := obj["error"].(map[string]any)
		if e == nil || e["statusCode"] != float64(rec.Code) || e["message"] == nil {
			t.Fatalf("%s: status %d with error body %s", what, rec.Code, b)
		}
	}
}

// checkNoLeak: no hidden value (passwords hold "SECRET", costs are
// 9999.xx) and no protected value ("PROTECTED") outside a top-level
// Author's notes, unless the request carried the marker itself.
func checkNoLeak(t *testing.T, what, request, body string) {
	t.Helper()
	if strings.Contains(body, secretMarker) && !strings.Contains(request, secretMarker) {
		t.Fatalf("%s: hidden value in the answer: %s", what, body)
	}
	if strings.Contains(body, `"password"`) && !strings.Contains(request, "password") {
		t.Fatalf("%s: hidden property in the answer: %s", what, body)
	}
	if strings.Contains(body, "9999.") && !strings.Contains(request, "9999") {
		t.Fatalf("%s: hidden cost in the answer: %s", what, body)
	}
	var v any
	if json.Unmarshal([]byte(body), &v) != nil || strings.Contains(request, protectedMarker) {
		return
	}
	var walk func(v any, top bool)
	walk = func(v any, top bool) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				walk(e, top && k == "notes")
			}
		case []any:
			for _, e := range x {
				walk(e, false)
			}
		case string:
			if strings.Contains(x, protectedMarker) && !top {
				t.Fatalf("%s: protected value in a nested record: %s", what, body)
			}
		}
	}
	// Top-level records: an object, or the elements of an array.
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			if obj, ok := e.(map[string]any); ok {
				for k, ev := range obj {
					walk(ev, k == "notes")
				}
			}
		}
	case map[string]any:
		for k, ev := range x {
			walk(ev, k == "notes")
		}
	}
}

// syncRecorder is an httptest.ResponseRecorder that a change stream may
// write to while the test reads it.
type syncRecorder struct {
	mu  chan struct{}
	rec *httptest.ResponseRecorder
}

func newSyncRecorder() *syncRecorder {
	r := &syncRecorder{mu: make(chan struct{}, 1), rec: httptest.NewRecorder()}
	return r
}

func (r *syncRecorder) lock()   { r.mu <- struct{}{} }
func (r *syncRecorder) unlock() { <-r.mu }

func (r *syncRecorder) Header() http.Header {
	r.lock()
	defer r.unlock()
	return r.rec.Header()
}

func (r *syncRecorder) Write(b []byte) (int, error) {
	r.lock()
	defer r.unlock()
	return r.rec.Write(b)
}

func (r *syncRecorder) WriteHeader(code int) {
	r.lock()
	defer r.unlock()
	r.rec.WriteHeader(code)
}

func (r *syncRecorder) Flush() {
	r.lock()
	defer r.unlock()
	r.rec.Flush()
}

// result returns a copy of what was written so far.
func (r *syncRecorder) result() *httptest.ResponseRecorder {
	r.lock()
	defer r.unlock()
	out := httptest.NewRecorder()
	for k, v := range r.rec.Header() {
		out.Header()[k] = append([]string(nil), v...)
	}
	out.Code = r.rec.Code
	out.Body = bytes.NewBuffer(bytes.Clone(r.rec.Body.Bytes()))
	return out
}

// genRequest builds a well-formed request from choices: a route of the
// library models with ids that mostly exist, a filter or where from
// genFilter/genWhere (JSON or bracket syntax), and a body of plausible
// values.
func genRequest(src *byteSource) (method uint8, path, rawQuery string, body []byte) {
	type modelPath struct{ model, path string }
	models := []modelPath{{"Author", "Authors"}, {"Book", "Books"}, {"Review", "Reviews"}, {"Tag", "Tags"}, {"BookTag", "BookTags"}, {"Profile", "Profiles"}}
	mp := pick(src, models)
	id := func() string { return fmt.Sprint(1 + src.intn(12)) }
	rels := genRelations[mp.model]
	rel := ""
	if len(rels) > 0 {
		rel = pick(src, rels)
	}
	routes := []string{"", "/" + id(), "/" + id() + "/exists", "/count", "/findOne", "/update", "/upsertWithWhere",
		"/replaceOrCreate", "/" + id() + "/replace", "/adults", "/adults/count", "/change-stream"}
	if rel != "" {
		routes = append(routes, "/"+id()+"/"+rel, "/"+id()+"/"+rel+"/count", "/"+id()+"/"+rel+"/"+id(), "/"+id()+"/"+rel+"/rel/"+id())
	}
	path = "/" + mp.path + pick(src, routes)
	method = uint8(src.intn(6))
	var q []string
	if src.bool() {
		f := genFilter(src, mp.model, 0)
		if src.bool() {
			q = append(q, "filter="+url.QueryEscape(jsonText(f)))
		} else {
			q = append(q, bracketQuery("filter", f))
		}
	}
	if src.intn(3) == 0 {
		q = append(q, "where="+url.QueryEscape(jsonText(genWhere(src, mp.model, 0))))
	}
	rawQuery = strings.Join(q, "&")
	if src.intn(4) > 0 {
		rec := map[string]any{}
		for i := 0; i < src.intn(5); i++ {
			rec[pick(src, genFields[mp.model])] = genFilterValue(src)
		}
		if src.intn(5) == 0 {
			body = []byte(jsonText([]any{rec, rec}))
		} else {
			body = []byte(jsonText(rec))
		}
	}
	return method, path, rawQuery, body
}
