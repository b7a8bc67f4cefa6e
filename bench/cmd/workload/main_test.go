package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relstore/relstore/bench/workload"
)

func TestRunEndToEndInterleavesRounds(t *testing.T) {
	md := filepath.Join(t.TempDir(), "RESULTS.md")
	var stdout, stderr bytes.Buffer
	args := []string{"-system", "sqlite-mem,sqlite-wal-full", "-scale", "0.01", "-rounds", "2", "-reps", "1", "-markdown", md}
	if rc := run(args, env(nil), &stdout, &stderr); rc != exitOK {
		t.Fatalf("exit %d\n%s", rc, stderr.String())
	}
	var order []string // system of each run, in output order
	sc := bufio.NewScanner(&stdout)
	n := 0
	for sc.Scan() {
		var l workload.Line
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		n++
		if !l.CheckOK || l.Scale != 0.01 || l.Seed != 42 {
			t.Errorf("line %+v", l)
		}
		if l.Op == workload.W1 {
			order = append(order, l.System+"@"+string(rune('0'+l.Round)))
			if l.Fingerprint == "" {
				t.Error("W1 line without fingerprint")
			}
		}
	}
	want := []string{"sqlite-mem@1", "sqlite-wal-full@1", "sqlite-mem@2", "sqlite-wal-full@2"}
	if strings.Join(order, " ") != strings.Join(want, " ") {
		t.Errorf("run order %v, want %v", order, want)
	}
	// sqlite-mem: W1 Q1 Q2, Q3 ×2, Q4 Q5, Q6 ×2, Q7 = 10 lines; sqlite-wal-full adds Q8.
	if n != 2*(10+11) {
		t.Errorf("%d lines", n)
	}
	if !strings.Contains(stderr.String(), "sqlite-wal-full") || !strings.Contains(stderr.String(), "ms/call") {
		t.Errorf("no summary on stderr:\n%s", stderr.String())
	}
	b, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"## Machine", "load average", "fingerprint `", `"system":"sqlite-mem"`, "Q6 [two-step/structs]"} {
		if !bytes.Contains(b, []byte(s)) {
			t.Errorf("report lacks %q", s)
		}
	}
}

func TestRunRoundEnv(t *testing.T) {
	var stdout, stderr bytes.Buffer
	e := env(map[string]string{"ROUND": "7", "SCALE": "0.01", "REPS": "1"})
	if rc := run([]string{"-system", "sqlite-mem"}, e, &stdout, &stderr); rc != exitOK {
		t.Fatalf("exit %d\n%s", rc, stderr.String())
	}
	for _, line := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
		var l workload.Line
		if err := json.Unmarshal([]byte(line), &l); err != nil || l.Round != 7 {
			t.Errorf("line %q (%v)", line, err)
		}
	}
}

func TestRunRejectsUnknownSystem(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if rc := run([]string{"-system", "postgres"}, env(nil), &stdout, &stderr); rc != exitUsage {
		t.Errorf("exit %d, want %d", rc, exitUsage)
	}
}
