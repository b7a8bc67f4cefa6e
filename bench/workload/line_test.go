package workload

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
)

func TestLineJSONKeys(t *testing.T) {
	l := Line{System: "sqlite-mem", Op: Q3, N: 5, Records: 11000, IDSum: 455505500, Scale: 1, Seed: 42}
	l.setTiming(0.1, 5*11000)
	var b bytes.Buffer
	if err := l.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	if b.Bytes()[b.Len()-1] != '\n' || bytes.Count(b.Bytes(), []byte("\n")) != 1 {
		t.Fatalf("not one line: %q", b.String())
	}
	var m map[string]any
	if err := json.Unmarshal(b.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"system", "op", "n", "seconds", "per_op_us", "check_ok", "records", "idsum"} {
		if _, ok := m[k]; !ok {
			t.Errorf("key %q missing from %s", k, b.String())
		}
	}
	for _, k := range []string{"fingerprint", "conc", "variant", "note", "p50_us", "p99_us", "bytes"} {
		if _, ok := m[k]; ok {
			t.Errorf("empty key %q written", k)
		}
	}
	if got := m["per_op_us"].(float64); math.Abs(got-20000) > 1e-6 {
		t.Errorf("per_op_us = %v, want 20000", got)
	}
	if got := m["per_record_us"].(float64); math.Abs(got-0.1/55000*1e6) > 1e-9 {
		t.Errorf("per_record_us = %v", got)
	}
	if got := m["ops_per_s"].(float64); math.Abs(got-50) > 1e-9 {
		t.Errorf("ops_per_s = %v", got)
	}
}

func TestSetTimingZeroN(t *testing.T) {
	l := Line{}
	l.setTiming(1, 0)
	if l.PerOpUS != 0 || l.OpsPerS != 0 || l.Seconds != 1 {
		t.Errorf("zero n: %+v", l)
	}
}
