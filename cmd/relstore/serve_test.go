package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/relstore/relstore/examples"
)

func TestParseServeFlags(t *testing.T) {
	env := func(vals map[string]string) func(string) string {
		return func(k string) string { return vals[k] }
	}
	defaults := serveConfig{addr: defaultAddr, apiRoot: "/api", sync: true, maxBody: 100 << 10, recordCacheMB: 512}
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		want    func(c *serveConfig)
		wantErr bool
	}{
		{"defaults", nil, nil, func(c *serveConfig) {}, false},
		{"all flags", []string{"--models", "m", "--addr", ":0", "--api-root", "v1/", "--data", "d", "--sync=false",
			"--token", "t", "--read-only", "--max-limit", "50", "--max-body", "10", "--request-timeout", "2s",
			"--cors", "*", "--seed", "s.json", "--log-level", "debug", "--backup-dir", "b", "--record-cache-mb", "64"}, nil, func(c *serveConfig) {
			c.models, c.addr, c.apiRoot, c.data, c.sync, c.token, c.readOnly = "m", ":0", "/v1", "d", false, "t", true
			c.maxLimit, c.maxBody, c.requestTimeout, c.cors, c.seed, c.logLevel = 50, 10, 2*time.Second, "*", "s.json", -4
			c.backupDir, c.recordCacheMB = "b", 64
		}, false},
		{"single dash", []string{"-addr", "127.0.0.1:0"}, nil, func(c *serveConfig) { c.addr = "127.0.0.1:0" }, false},
		{"token from env", nil, map[string]string{tokenEnv: "envtok"}, func(c *serveConfig) { c.token = "envtok" }, false},
		{"flag beats env", []string{"--token", "flag"}, map[string]string{tokenEnv: "envtok"}, func(c *serveConfig) { c.token = "flag" }, false},
		{"unknown flag", []string{"--nope"}, nil, nil, true},
		{"stray argument", []string{"models"}, nil, nil, true},
		{"bad log level", []string{"--log-level", "loud"}, nil, nil, true},
		{"negative max limit", []string{"--max-limit", "-1"}, nil, nil, true},
		{"no record cache", []string{"--record-cache-mb", "0"}, nil, func(c *serveConfig) { c.recordCacheMB = 0 }, false},
		{"negative record cache", []string{"--record-cache-mb", "-1"}, nil, nil, true},
		{"record cache too large", []string{"--record-cache-mb", "9000000000000"}, nil, nil, true},
		{"backup dir without data", []string{"--backup-dir", "b"}, nil, nil, true},
		{"backup dir inside the store", []string{"--data", "d", "--backup-dir", "d/backups"}, nil, nil, true},
		{"backup dir is the store", []string{"--data", "d", "--backup-dir", "d/"}, nil, nil, true},
		{"backup dir beside the store", []string{"--data", "d", "--backup-dir", "db"}, nil, func(c *serveConfig) { c.data, c.backupDir = "d", "db" }, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			got, err := parseServeFlags(tc.args, &stderr, env(tc.env))
			if tc.wantErr {
				if err == nil || stderr.Len() == 0 {
					t.Fatalf("err = %v, stderr %q: want a reported error", err, stderr.String())
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := defaults
			tc.want(&want)
			if !reflect.DeepEqual(*got, want) {
				t.Fatalf("got %+v\nwant %+v", *got, want)
			}
		})
	}
}

// startServe runs serve in the background and returns the API URL it
// printed and a function that stops it and returns serve's error.
func startServe(t *testing.T, cfg *serveConfig) (string, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := serve(ctx, cfg, pw, io.Discard)
		pw.CloseWithError(io.EOF)
		done <- err
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		cancel()
		t.Fatalf("no listening line: %v (serve: %v)", err, <-done)
	}
	m := regexp.MustCompile(`^listening on (http://127\.0\.0\.1:[1-9][0-9]*/api)\n$`).FindStringSubmatch(line)
	if m == nil {
		cancel()
		t.Fatalf("listening line %q", line)
	}
	go io.Copy(io.Discard, pr) //nolint:errcheck
	return m[1], func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(10 * time.Second):
			t.Fatal("serve did not stop")
			return nil
		}
	}
}

func getJSON(t *testing.T, url string) (int, any) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var v any
	if err := json.NewDecoder(res.Body).Decode(&v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return res.StatusCode, v
}

func TestServeExamplesInMemory(t *testing.T) {
	api, stop := startServe(t, &serveConfig{addr: "127.0.0.1:0", apiRoot: "/api", sync: true, maxBody: 1 << 20})
	status, body := getJSON(t, api+"/Customers")
	if status != 200 || !reflect.DeepEqual(body, []any{}) {
		t.Errorf("GET /Customers: %d %v", status, body)
	}
	res, err := http.Post(api+"/Products", "application/json", strings.NewReader(`{"name":"Pen","price":2}`))
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("POST /Products: %v %v", res, err)
	}
	res.Body.Close()
	status, body = getJSON(t, api+"/Products/cheap/count")
	if status != 200 || body.(map[string]any)["count"] != 1.0 {
		t.Errorf("scope count: %d %v", status, body)
	}
	if err := stop(); err != nil {
		t.Fatalf("serve: %v", err)
	}
}

func TestServeDataSeedRestartAndCheck(t *testing.T) {
	dir := t.TempDir()
	seedPath := filepath.Join(dir, "seed.json")
	if err := os.WriteFile(seedPath, examples.Seed, 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := &serveConfig{addr: "127.0.0.1:0", apiRoot: "/api", data: filepath.Join(dir, "db"), sync: true,
		maxBody: 1 << 20, seed: seedPath, recordCacheMB: 512}
	for run := 1; run <= 2; run++ {
		api, stop := startServe(t, cfg)
		status, body := getJSON(t, api+"/Customers/count")
		if status != 200 || body.(map[string]any)["count"] != 2.0 {
			t.Errorf("run %d: customers %d %v", run, status, body)
		}
		status, body = getJSON(t, api+"/Orders/1/products")
		if status != 200 || len(body.([]any)) != 2 {
			t.Errorf("run %d: order products %d %v", run, status, body)
		}
		if err := stop(); err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
	}
	var out, errOut bytes.Buffer
	if code := runCheck(context.Background(), []string{"--data", cfg.data}, &out, &errOut); code != exitOK {
		t.Fatalf("check: exit %d: %s %s", code, out.String(), errOut.String())
	}
	if !strings.Contains(out.String(), "ok") {
		t.Fatalf("check report %q", out.String())
	}
}

func TestSeedErrors(t *testing.T) {
	tests := []struct {
		name string
		seed string
	}{
		{"not an object", `[1]`},
		{"unknown model", `{"Nope": []}`},
		{"not an array", `{"Customer": {"name": "x"}}`},
		{"invalid record", `{"Customer": [{"email": "no name"}]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "seed.json")
			if err := os.WriteFile(p, []byte(tc.seed), 0o644); err != nil {
				t.Fatal(err)
			}
			cfg := &serveConfig{addr: "127.0.0.1:0", apiRoot: "/api", sync: true, maxBody: 1 << 20, seed: p}
			if err := serve(context.Background(), cfg, io.Discard, io.Discard); err == nil {
				t.Fatal("serve accepted a bad seed")
			}
		})
	}
}

func TestRun(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string
	}{
		{"no command", nil, exitUsage, ""},
		{"unknown command", []string{"frobnicate"}, exitUsage, ""},
		{"help", []string{"help"}, exitOK, "usage:"},
		{"version", []string{"version"}, exitOK, "relstore "},
		{"check without data", []string{"check"}, exitUsage, ""},
		{"check of a missing store", []string{"check", "--data", filepath.Join(t.TempDir(), "none")}, exitFailure, ""},
		{"serve help", []string{"serve", "-h"}, exitOK, ""},
		{"serve bad flag", []string{"serve", "--bogus"}, exitUsage, ""},
		{"openapi", []string{"openapi"}, exitOK, "{"},
		{"export without data", []string{"export"}, exitUsage, ""},
		{"import without data", []string{"import"}, exitUsage, ""},
		{"backup without data", []string{"backup"}, exitUsage, ""},
		{"check repair help", []string{"check", "--repair", "-h"}, exitOK, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(context.Background(), tc.args, &out, &errOut)
			if code != tc.wantCode || !strings.HasPrefix(out.String(), tc.wantStdout) {
				t.Fatalf("exit %d, stdout %q, stderr %q", code, out.String(), errOut.String())
			}
		})
	}
}

// request sends one request to the daemon and returns its status and body.
func request(t *testing.T, method, url, contentType, body string, header map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestServeSafetyFlags(t *testing.T) {
	dir := t.TempDir()
	seedPath := filepath.Join(dir, "seed.json")
	if err := os.WriteFile(seedPath, examples.Seed, 0o644); err != nil {
		t.Fatal(err)
	}
	backups := filepath.Join(dir, "backups")
	const jsonType, formType = "application/json", "application/x-www-form-urlencoded"
	bearer := map[string]string{"Authorization": "Bearer tok"}
	type req struct {
		name        string
		method      string
		path        string // below the server's root
		contentType string
		body        string
		header      map[string]string
		wantStatus  int
		wantBody    string // a substring
	}
	tests := []struct {
		name string
		cfg  serveConfig
		reqs []req
	}{
		{"token, read-only, max-limit, backups", serveConfig{token: "tok", readOnly: true, maxLimit: 1, data: filepath.Join(dir, "db"),
			seed: seedPath, backupDir: backups}, []req{
			{"no token", "GET", "/api/Customers", "", "", nil, 401, "AUTHORIZATION_REQUIRED"},
			{"wrong token", "GET", "/api/Customers", "", "", map[string]string{"Authorization": "Bearer nope"}, 401, ""},
			{"max-limit", "GET", "/api/Customers?access_token=tok", "", "", nil, 200, `"Ada Lovelace"`},
			{"read-only", "POST", "/api/Customers", jsonType, `{"name":"x"}`, bearer, 403, "READ_ONLY"},
			{"openapi needs no token", "GET", "/openapi.json", "", "", nil, 200, `"openapi":"3.0.3"`},
			{"backup needs the token", "POST", "/_relstore/backup", jsonType, `{"name":"b1"}`, nil, 401, ""},
			{"backup of the running store", "POST", "/_relstore/backup", jsonType, `{"name":"b1"}`, bearer, 200, `"name":"b1"`},
		}},
		{"body limit and forms", serveConfig{maxBody: 60}, []req{
			{"413", "POST", "/api/Customers", jsonType, `{"name":"` + strings.Repeat("x", 100) + `"}`, nil, 413, "PayloadTooLargeError"},
			{"urlencoded body", "POST", "/api/Customers", formType, "name=Fay&vip=true", nil, 200, `"vip":true`},
			{"no backups without --backup-dir", "POST", "/_relstore/backup", jsonType, `{"name":"b1"}`, nil, 404, "BACKUP_DISABLED"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			cfg.addr, cfg.apiRoot, cfg.sync = "127.0.0.1:0", "/api", true
			if cfg.maxBody == 0 {
				cfg.maxBody = 1 << 20
			}
			api, stop := startServe(t, &cfg)
			root := strings.TrimSuffix(api, "/api")
			for _, r := range tc.reqs {
				status, body := request(t, r.method, root+r.path, r.contentType, r.body, r.header)
				if status != r.wantStatus || !strings.Contains(body, r.wantBody) {
					t.Errorf("%s: %d %.300s", r.name, status, body)
				}
				if r.name == "max-limit" && strings.Count(body, `"id"`) != 1 {
					t.Errorf("max-limit: %s", body)
				}
			}
			if err := stop(); err != nil {
				t.Fatal(err)
			}
		})
	}
	// The backup taken from the running daemon is a sound store.
	var out bytes.Buffer
	if code := runCheck(context.Background(), []string{"--data", filepath.Join(backups, "b1")}, &out, io.Discard); code != exitOK ||
		!strings.Contains(out.String(), ": ok") {
		t.Fatalf("check of the backup: %d %s", code, out.String())
	}
}

// TestRecordCacheEntries: --record-cache-mb 0 turns the record cache off;
// any other size keeps the default entry bound beside the byte bound.
func TestRecordCacheEntries(t *testing.T) {
	for mb, want := range map[int64]int{0: -1, 1: 0, 512: 0} {
		if got := recordCacheEntries(mb); got != want {
			t.Errorf("recordCacheEntries(%d) = %d, want %d", mb, got, want)
		}
	}
}
