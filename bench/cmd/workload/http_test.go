package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/relstore/relstore/bench/httpmode"
	"github.com/relstore/relstore/bench/workload"
)

func TestLoadRefusesNonLoopbackURL(t *testing.T) {
	for _, u := range []string{"http://10.1.2.3:80", "http://example.com:3000", "http://localhost:3000"} {
		var stdout, stderr bytes.Buffer
		if rc := run([]string{"-load", u}, env(nil), &stdout, &stderr); rc != exitUsage || stdout.Len() != 0 {
			t.Errorf("-load %s: exit %d, stdout %q", u, rc, stdout.String())
		}
		if !strings.Contains(stderr.String(), "loopback") {
			t.Errorf("-load %s: stderr %q", u, stderr.String())
		}
	}
}

func TestServeExitsAfterMaxLifetime(t *testing.T) {
	var stdout, stderr bytes.Buffer
	start := time.Now()
	e := env(map[string]string{"MAX_LIFETIME_S": "0.3", "PORT": "0"})
	if rc := run([]string{"-serve", "-system", "relstore-memory", "-scale", "0.01"}, e, &stdout, &stderr); rc != exitOK {
		t.Fatalf("exit %d\n%s", rc, stderr.String())
	}
	if el := time.Since(start); el > 15*time.Second {
		t.Errorf("ran %v with MAX_LIFETIME_S=0.3", el)
	}
	var rl httpmode.ReadyLine
	if err := json.Unmarshal(stdout.Bytes(), &rl); err != nil || !rl.Ready || rl.Port == 0 {
		t.Errorf("stdout %q (%v)", stdout.String(), err)
	}
}

func TestHTTPModeConfig(t *testing.T) {
	c, err := parseConfig([]string{"-serve", "-system", "relstore-pebble"}, env(map[string]string{"PORT": "3456"}), io.Discard)
	if err != nil || !c.serve || c.port != 3456 || c.lifetime != 600*time.Second {
		t.Errorf("%+v %v", c, err)
	}
	for _, tc := range []struct {
		args []string
		env  map[string]string
	}{
		{[]string{"-serve"}, nil}, // no -system
		{[]string{"-serve", "-system", "relstore-memory,relstore-pebble"}, nil},
		{[]string{"-serve", "-system", "relstore-memory", "-load", "http://127.0.0.1:1"}, nil},
		{[]string{"-serve", "-system", "relstore-memory"}, map[string]string{"PORT": "70000"}},
		{[]string{"-serve", "-system", "relstore-memory"}, map[string]string{"MAX_LIFETIME_S": "0"}},
		{[]string{"-serve", "-system", "relstore-memory"}, map[string]string{"MAX_LIFETIME_S": "NaN"}},
		{[]string{"-load", "http://127.0.0.1:1", "-system", "a,b"}, nil},
	} {
		if _, err := parseConfig(tc.args, env(tc.env), io.Discard); err == nil {
			t.Errorf("%v %v accepted", tc.args, tc.env)
		}
	}
}

// TestServeThenLoad runs both sides of the HTTP mode through run, as two
// processes would, at SCALE=0.01 (streams of 100 ids, so the default limits
// stay small).
func TestServeThenLoad(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	serveContext = func() context.Context { return ctx }
	defer func() { serveContext = context.Background }()
	pr, pw := io.Pipe()
	served := make(chan int, 1)
	e := env(map[string]string{"MAX_LIFETIME_S": "60", "SCALE": "0.01"})
	go func() {
		served <- run([]string{"-serve", "-system", "relstore-memory"}, e, pw, io.Discard)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadBytes('\n')
	if err != nil {
		t.Fatalf("no ready line: %v", err)
	}
	go io.Copy(io.Discard, pr)
	var rl httpmode.ReadyLine
	if err := json.Unmarshal(line, &rl); err != nil || !rl.Ready {
		t.Fatalf("ready line %q (%v)", line, err)
	}
	var stdout, stderr bytes.Buffer
	base := "http://127.0.0.1:" + strconv.Itoa(rl.Port)
	rc := run([]string{"-load", base, "-system", "relstore-memory-http"}, e, &stdout, &stderr)
	if rc != exitOK {
		t.Errorf("load exit %d\n%s", rc, stderr.String())
	}
	n := 0
	for _, s := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
		var l workload.Line
		if err := json.Unmarshal([]byte(s), &l); err != nil || !l.CheckOK || l.N == 0 || l.System != "relstore-memory-http" || l.Scale != 0.01 {
			t.Errorf("line %q (%v)", s, err)
		}
		n++
	}
	if n != 8 {
		t.Errorf("%d lines, want 8", n)
	}
	select {
	case rc := <-served:
		t.Errorf("server exited early with %d", rc)
	default:
	}
	cancel()
	select {
	case rc := <-served:
		if rc != exitOK {
			t.Errorf("server exit %d", rc)
		}
	case <-time.After(15 * time.Second):
		t.Error("server did not stop")
	}
}
