package schema

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// oracleDir holds LoopBack's recorded answers (shared, read-only).
// oracleDir holds the in-repo copies of the public oracle scenarios.
const oracleDir = "../server/testdata/oracle"

// scenario is the part of an oracle scenario or golden file the tests use.
type scenario struct {
	Name   string            `json:"name"`
	Models []json.RawMessage `json:"models"`
	Steps  []struct {
		Method string          `json:"method"`
		Path   string          `json:"path"`
		Status int             `json:"status"`
		Body   json.RawMessage `json:"body"`
	} `json:"steps"`
}

func readScenario(t *testing.T, path string) *scenario {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var sc scenario
	if err := json.Unmarshal(data, &sc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return &sc
}

func scenarioFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(oracleDir, "scenarios", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no oracle scenarios under %s", oracleDir)
	}
	return files
}

// firstSegment returns "Customers" for "/Customers/1/orders?filter=...".
func firstSegment(path string) string {
	path, _, _ = strings.Cut(path, "?")
	seg, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	return seg
}

// TestOracleScenarios loads the model set of every oracle scenario and
// checks each model's REST path against the paths LoopBack answered in the
// recorded golden (a path LB3 did not route — "There is no method to handle"
// — is not a model's).
func TestOracleScenarios(t *testing.T) {
	for _, file := range scenarioFiles(t) {
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		t.Run(name, func(t *testing.T) {
			sc := readScenario(t, file)
			if len(sc.Models) == 0 {
				t.Fatal("scenario has no models")
			}
			l := NewLoader(nil)
			for _, m := range sc.Models {
				if err := l.Add(m); err != nil {
					t.Fatal(err)
				}
			}
			set, err := l.Resolve()
			if err != nil {
				t.Fatal(err)
			}
			if len(set.Order) < len(sc.Models) {
				t.Fatalf("set has %d models, scenario %d", len(set.Order), len(sc.Models))
			}

			steps := sc
			if g := filepath.Join(oracleDir, "golden", name+".json"); fileExists(g) {
				steps = readScenario(t, g)
			}
			routed := make(map[string]bool)
			for _, st := range steps.Steps {
				if st.Status == 404 && strings.Contains(string(st.Body), "There is no method to handle") {
					continue
				}
				routed[firstSegment(st.Path)] = true
			}
			paths := make(map[string]bool)
			for _, m := range set.Sorted() {
				if m.Persisted && (m.Public == nil || *m.Public) {
					paths[m.PluralPath()] = true
					if !routed[m.PluralPath()] {
						t.Errorf("model %q: path /%s is never answered by LB3 in this scenario (routed: %v)",
							m.Name, m.PluralPath(), sortedSet(routed))
					}
				}
			}
			for seg := range routed {
				if !paths[seg] {
					t.Errorf("LB3 answered /%s but no model has that path (paths: %v)", seg, sortedSet(paths))
				}
			}
		})
	}
}

// TestScenarioFixturesMatchOracle keeps testdata/models/<scenario>/ (the
// golden-test inputs) identical to the oracle's model sets.
func TestScenarioFixturesMatchOracle(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "models", "*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range dirs {
		file := filepath.Join(oracleDir, "scenarios", filepath.Base(dir)+".json")
		if !fileExists(file) {
			continue // not a scenario copy (e.g. "features")
		}
		t.Run(filepath.Base(dir), func(t *testing.T) {
			sc := readScenario(t, file)
			files, err := filepath.Glob(filepath.Join(dir, "*.json"))
			if err != nil {
				t.Fatal(err)
			}
			if len(files) != len(sc.Models) {
				t.Fatalf("%d fixture files, %d scenario models", len(files), len(sc.Models))
			}
			for i, f := range files {
				data, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				var got, want any
				if err := json.Unmarshal(data, &got); err != nil {
					t.Fatal(err)
				}
				if err := json.Unmarshal(sc.Models[i], &want); err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s differs from model %d of %s", f, i, file)
				}
			}
		})
	}
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
