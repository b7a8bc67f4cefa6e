package schema

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/*.golden")

// TestGolden prints the resolved Set (and the warnings) of every model
// directory under testdata/models as indented JSON and compares it with
// testdata/golden/<dir>.golden. Run with -update to rewrite the goldens.
func TestGolden(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "models", "*"))
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) == 0 {
		t.Fatal("no model directories under testdata/models")
	}
	for _, dir := range dirs {
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			type warn struct {
				Model   string `json:"model"`
				Message string `json:"message"`
			}
			out := struct {
				Warnings []warn `json:"warnings"`
				Set      *Set   `json:"set"`
			}{Warnings: []warn{}}
			set, err := LoadDir(dir, &LoadOptions{Warn: func(model, msg string) {
				out.Warnings = append(out.Warnings, warn{model, msg})
			}})
			if err != nil {
				t.Fatal(err)
			}
			out.Set = set
			got, err := json.MarshalIndent(out, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := filepath.Join("testdata", "golden", name+".golden")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -run TestGolden -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the resolved set; run go test -run TestGolden -update and review the diff.\ngot:\n%s", golden, got)
			}
		})
	}
}
