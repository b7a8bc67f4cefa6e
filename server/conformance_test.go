package server

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/relstore/relstore/engine"
	"github.com/relstore/relstore/schema"
	"github.com/relstore/relstore/storage"
)

// oracleDirs hold scenario/golden pairs: testdata/oracle the copies of
// shared/oracle's public scenarios, testdata/extra relstore's own
// scenarios, recorded against LB3 with `node oracle.js record` as well.
var oracleDirs = []string{"testdata/oracle", "testdata/extra"}

// maxShownLines is how many difference lines are shown per failing step,
// as oracle.js.
const maxShownLines = 12

// TestConformance replays every oracle scenario against a fresh memory
// engine behind the REST handler and judges each step against LB3's golden
// answer with the oracle's matching rules (see oracle_test.go). It reports
// every failing step with its differences and logs "N passed, M failed"
// per scenario.
func TestConformance(t *testing.T) {
	total, failedTotal := 0, 0
	for _, dir := range oracleDirs {
		files, err := filepath.Glob(filepath.Join(dir, "scenarios", "*.json"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no scenarios in %s: %v", dir, err)
		}
		sort.Strings(files)
		for _, file := range files {
			name := strings.TrimSuffix(filepath.Base(file), ".json")
			t.Run(name, func(t *testing.T) {
				passed, failed := runScenario(t, file, filepath.Join(dir, "golden", name+".json"))
				total += passed + failed
				failedTotal += failed
				t.Logf("scenario %s: %d passed, %d failed", name, passed, failed)
			})
		}
	}
	t.Logf("all scenarios: %d steps, %d failing", total, failedTotal)
}

// runScenario runs one scenario; it fails t for every step that differs.
func runScenario(t *testing.T, scenarioFile, goldenFile string) (passed, failed int) {
	t.Helper()
	var sc oracleScenario
	var golden oracleGolden
	readJSONFile(t, scenarioFile, &sc)
	readJSONFile(t, goldenFile, &golden)
	if len(golden.Steps) != len(sc.Steps) {
		t.Fatalf("%s has %d steps, %s %d: copy them again from shared/oracle", goldenFile, len(golden.Steps), scenarioFile, len(sc.Steps))
	}
	h := newScenarioHandler(t, sc.Models)
	for i, st := range sc.Steps {
		g := golden.Steps[i]
		target := stepTarget(st)
		if !strings.EqualFold(g.Method, st.Method) || g.Path != target {
			t.Fatalf("step %d: golden %s %s does not match scenario %s %s", i+1, g.Method, g.Path, st.Method, target)
		}
		st.Ignore = append(append([]string(nil), sc.Ignore...), st.Ignore...)
		label := strings.ToUpper(st.Method) + " " + target
		got, err := doStep(h, st, target)
		var lines []string
		note := ""
		if err != nil {
			lines = []string{"request failed: " + err.Error()}
		} else {
			lines, note = compareStep(st, g, got)
		}
		if len(lines) == 0 {
			passed++
			if note != "" {
				t.Logf("ok   %3d %s  (%s)", i+1, label, note)
			}
			continue
		}
		failed++
		if len(lines) > maxShownLines {
			lines = append(lines[:maxShownLines], "... more")
		}
		msg := ""
		if st.Note != "" {
			msg = "  -- " + st.Note
		}
		t.Errorf("FAIL %3d %s%s\n       %s", i+1, label, msg, strings.Join(lines, "\n       "))
	}
	return passed, failed
}

// newScenarioHandler defines the scenario's models, in order, on a fresh
// memory engine and returns the REST handler over it.
func newScenarioHandler(t *testing.T, models []json.RawMessage) http.Handler {
	t.Helper()
	l := schema.NewLoader(nil)
	for _, m := range models {
		if err := l.Add(m); err != nil {
			t.Fatalf("model: %v", err)
		}
	}
	set, err := l.Resolve()
	if err != nil {
		t.Fatalf("resolve models: %v", err)
	}
	db, err := engine.Open(storage.NewMemory(), nil)
	if err != nil {
		t.Fatalf("open engine: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Define(set); err != nil {
		t.Fatalf("define models: %v", err)
	}
	return New(db, &Options{Logger: discardLogger()})
}

// doStep sends one step to h as oracle.js sends it to a server.
func doStep(h http.Handler, st oracleStep, target string) (oracleResponse, error) {
	u, err := url.ParseRequestURI("/api" + target)
	if err != nil {
		return oracleResponse{}, err
	}
	var body io.Reader = http.NoBody
	hasBody := false
	switch {
	case st.RawBody != nil:
		body, hasBody = strings.NewReader(*st.RawBody), true
	case len(st.Body) > 0:
		var b bytes.Buffer
		if err := json.Compact(&b, st.Body); err != nil {
			return oracleResponse{}, err
		}
		body, hasBody = &b, true
	}
	method := strings.ToUpper(st.Method)
	r := httptest.NewRequest(method, "/", body)
	r.URL = u
	r.RequestURI = u.RequestURI()
	r.Header.Set("Accept", "application/json")
	for k, v := range st.Headers {
		r.Header.Set(k, v)
	}
	if hasBody && r.Header.Get("Content-Type") == "" {
		r.Header.Set("Content-Type", "application/json")
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	text := w.Body.String()
	if method == http.MethodHead {
		text = "" // a real client never sees a HEAD body
	}
	return oracleGoldenOf(method, w.Code, w.Header(), text), nil
}

func readJSONFile(t *testing.T, file string, v any) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
