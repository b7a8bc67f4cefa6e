package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestOpenAPICommand(t *testing.T) {
	models := writeModels(t, `{"name": "Note", "base": "PersistedModel", "properties": {"text": "string"}}`)
	tests := []struct {
		name      string
		args      []string
		wantCode  int
		wantPaths []string
		noPaths   []string
		secured   bool
	}{
		{"examples", nil, exitOK, []string{"/api/Customers", "/api/Orders/{id}/products/rel/{fk}", "/healthz"}, []string{"/_relstore/backup"}, false},
		{"models, root, token and backups", []string{"--models", models, "--api-root", "v2/", "--token-auth", "--backup"}, exitOK,
			[]string{"/v2/Notes/{id}", "/_relstore/backup"}, []string{"/api/Notes"}, true},
		{"stray argument", []string{"x"}, exitUsage, nil, nil, false},
		{"bad models", []string{"--models", t.TempDir()}, exitFailure, nil, nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := runOpenAPI(tc.args, &out, &errOut)
			if code != tc.wantCode {
				t.Fatalf("exit %d: %s", code, errOut.String())
			}
			if code != exitOK {
				return
			}
			var doc map[string]any
			if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
				t.Fatalf("not JSON: %v", err)
			}
			if v, _ := doc["openapi"].(string); !strings.HasPrefix(v, "3.0.") {
				t.Fatalf("openapi %v", doc["openapi"])
			}
			paths := doc["paths"].(map[string]any)
			for _, p := range tc.wantPaths {
				if paths[p] == nil {
					t.Errorf("no path %s", p)
				}
			}
			for _, p := range tc.noPaths {
				if paths[p] != nil {
					t.Errorf("unexpected path %s", p)
				}
			}
			if _, has := doc["security"]; has != tc.secured {
				t.Errorf("security %v", doc["security"])
			}
		})
	}
}
