package server

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relstore/relstore/engine"
	"github.com/relstore/relstore/schema"
	"github.com/relstore/relstore/storage"
)

// newPebbleServer serves testModels over a Pebble store in a temporary
// directory.
func newPebbleServer(t *testing.T, opts Options) (*server, *engine.DB) {
	t.Helper()
	st, err := storage.OpenPebble(filepath.Join(t.TempDir(), "db"), &storage.PebbleOptions{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	db, err := engine.Open(st, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Define(testSet(t)); err != nil {
		t.Fatal(err)
	}
	opts.Logger = discardLogger()
	return New(db, &opts).(*server), db
}

// testSet resolves testModels.
func testSet(t *testing.T) *schema.Set {
	t.Helper()
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
	return set
}

func TestBackupEndpoint(t *testing.T) {
	const token = "tok"
	backups := t.TempDir()
	s, db := newPebbleServer(t, Options{BackupDir: backups, Token: token, ReadOnly: true})
	ctx := context.Background()
	for i := 0; i < 50; i++ {
		if _, err := db.Create(ctx, "Customer", map[string]any{"name": "c", "age": float64(i)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Create(ctx, "Order", map[string]any{"total": 3.0, "customerId": 1.0}); err != nil {
		t.Fatal(err)
	}
	auth := map[string]string{"Authorization": "Bearer " + token}
	tests := []struct {
		name       string
		method     string
		body       string
		header     map[string]string
		wantStatus int
		wantCode   string
	}{
		{"no token", "POST", `{"name":"a"}`, nil, 401, codeAuthRequired},
		{"wrong token", "POST", `{"name":"a"}`, map[string]string{"Authorization": "Bearer nope"}, 401, codeAuthRequired},
		{"GET", "GET", "", auth, 404, ""},
		{"no body", "POST", "", auth, 400, codeBackupName},
		{"not an object", "POST", `["a"]`, auth, 400, ""},
		{"empty name", "POST", `{"name":""}`, auth, 400, codeBackupName},
		{"name not a string", "POST", `{"name":7}`, auth, 400, codeBackupName},
		{"dot", "POST", `{"name":"."}`, auth, 400, codeBackupName},
		{"dot dot", "POST", `{"name":".."}`, auth, 400, codeBackupName},
		{"path", "POST", `{"name":"a/b"}`, auth, 400, codeBackupName},
		{"escape", "POST", `{"name":"../evil"}`, auth, 400, codeBackupName},
		{"absolute", "POST", `{"name":"/tmp/x"}`, auth, 400, codeBackupName},
		{"backslash", "POST", `{"name":"a\\b"}`, auth, 400, codeBackupName},
		{"too long", "POST", `{"name":"` + strings.Repeat("a", maxBackupName+1) + `"}`, auth, 400, codeBackupName},
		{"written (read-only mode allows it)", "POST", `{"name":"nightly-1.a_b"}`, auth, 200, ""},
		{"exists", "POST", `{"name":"nightly-1.a_b"}`, auth, 409, codeBackupExists},
		{"access_token parameter", "POST", `{"name":"second"}`, nil, 200, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			target := backupPath
			if tc.name == "access_token parameter" {
				target += "?access_token=" + token
			}
			res := do(s, tc.method, target, tc.body, tc.header)
			if res.status != tc.wantStatus {
				t.Fatalf("%d %s", res.status, res.body)
			}
			if tc.wantCode != "" && res.errorField(t, "code") != tc.wantCode {
				t.Fatalf("code: %s", res.body)
			}
		})
	}
	// The copies open and hold every record, with consistent indexes.
	for _, name := range []string{"nightly-1.a_b", "second"} {
		st, err := storage.OpenPebble(filepath.Join(backups, name), &storage.PebbleOptions{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		cp, err := engine.Open(st, nil)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := cp.Check(ctx)
		if err != nil || !rep.OK() || rep.Records != 51 {
			t.Errorf("%s: check %v, %v", name, rep, err)
		}
		if n, err := cp.Count(ctx, "Customer", map[string]any{"age": map[string]any{"gte": 40.0}}); err != nil || n != 10 {
			t.Errorf("%s: %d customers, %v", name, n, err)
		}
		cp.Close()
	}
}

func TestBackupEndpointUnavailable(t *testing.T) {
	tests := []struct {
		name       string
		memory     bool
		backupDir  bool
		wantStatus int
		wantCode   string
	}{
		{"disabled", false, false, http.StatusNotFound, codeBackupDisabled},
		{"memory store", true, true, http.StatusConflict, codeBackupUnsupported},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := Options{}
			if tc.backupDir {
				opts.BackupDir = t.TempDir()
			}
			var s *server
			if tc.memory {
				s, _ = newTestServer(t, opts)
			} else {
				s, _ = newPebbleServer(t, opts)
			}
			res := do(s, http.MethodPost, backupPath, `{"name":"x"}`, nil)
			if res.status != tc.wantStatus || res.errorField(t, "code") != tc.wantCode {
				t.Fatalf("%d %s", res.status, res.body)
			}
		})
	}
}
