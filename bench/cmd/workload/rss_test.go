package main

import (
	"io"
	"testing"

	"github.com/relstore/relstore/bench/workload"
)

func TestParseVmHWM(t *testing.T) {
	status := "Name:\tworkload\nVmPeak:\t  900 kB\nVmHWM:\t  123456 kB\nVmRSS:\t 100 kB\n"
	n, err := parseVmHWM([]byte(status))
	if err != nil || n != 123456 {
		t.Errorf("got %d, %v; want 123456", n, err)
	}
	for _, bad := range []string{"", "VmRSS:\t1 kB\n", "VmHWM:\tx kB\n", "VmHWM:\t5 MB\n", "VmHWM:\n"} {
		if _, err := parseVmHWM([]byte(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestPeakRSSLive(t *testing.T) {
	resetPeakRSS()
	n, err := peakRSSKB()
	if err != nil || n <= 0 {
		t.Errorf("peakRSSKB = %d, %v", n, err)
	}
}

func TestConfigOps(t *testing.T) {
	c, err := parseConfig(nil, env(nil), io.Discard)
	if err != nil || c.ops != nil {
		t.Fatalf("default ops %v, %v", c.ops, err)
	}
	c, err = parseConfig([]string{"-ops", "all"}, env(nil), io.Discard)
	if err != nil || c.ops != nil {
		t.Fatalf("-ops all: %v, %v", c.ops, err)
	}
	c, err = parseConfig([]string{"-ops", "q1, Q2,Q3"}, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := map[workload.Op]bool{workload.W1: true, workload.Q1: true, workload.Q2: true, workload.Q3: true}
	if len(c.ops) != len(want) {
		t.Errorf("ops %v, want %v (W1 added)", c.ops, want)
	}
	for op := range want {
		if !c.ops[op] {
			t.Errorf("ops %v lacks %s", c.ops, op)
		}
	}
	for _, bad := range []string{"Q9", "W1,bogus"} {
		if _, err := parseConfig([]string{"-ops", bad}, env(nil), io.Discard); err == nil {
			t.Errorf("-ops %q accepted", bad)
		}
	}
}
