package workload

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

func TestMedian(t *testing.T) {
	if got := median([]float64{3, 1, 2}); got != 2 {
		t.Errorf("odd median %v", got)
	}
	if got := median([]float64{4, 1, 3, 2}); got != 2.5 {
		t.Errorf("even median %v", got)
	}
}

func sumLine(sys string, op Op, perOp float64, ok bool) Line {
	return Line{System: sys, Op: op, Primary: true, N: 1, PerOpUS: perOp, CheckOK: ok}
}

func TestSummaryRatiosAndTargets(t *testing.T) {
	var s Summary
	for _, v := range []float64{10, 30, 20} { // median 20
		s.Add(sumLine(SysSQLiteMem, Q1, v, true))
	}
	for _, v := range []float64{5, 4, 100} { // median 5
		s.Add(sumLine(SysRelstoreMemory, Q1, v, true))
	}
	s.Add(sumLine(SysRelstoreMemory, Q3, 1000, true))
	s.Add(sumLine(SysSQLiteMem, Q3, 6000, true))
	s.Add(sumLine(SysSQLiteMem, Q3, 1, false)) // failed: not in the median
	alt := sumLine(SysSQLiteMem, Q6, 7000, true)
	alt.Primary, alt.Variant = false, "two-step"
	s.Add(alt)

	if m, ok, failed := s.Median(SysSQLiteMem, Q3, ""); !ok || m != 6000 || failed != 1 {
		t.Errorf("Q3 median %v %v %d", m, ok, failed)
	}
	if r, ok := s.Ratio(Target{Q1, SysRelstoreMemory, SysSQLiteMem, 5}); !ok || math.Abs(r-4) > 1e-12 {
		t.Errorf("Q1 ratio %v %v, want 4", r, ok)
	}
	results := s.TargetResults()
	if len(results) != 2 {
		t.Fatalf("%d target results, want Q1 and Q3: %+v", len(results), results)
	}
	for _, r := range results {
		if want := r.Op == Q3; r.Met() != want {
			t.Errorf("%s met = %v (ratio %v)", r.Op, r.Met(), r.Ratio)
		}
	}
	var b bytes.Buffer
	if err := s.Write(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"relstore-memory", "Q6 [two-step]", "MISS", "ok", "6.00!", "50000"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
}

// TestSummaryNoSync: relstore-pebble-nosync against sqlite-wal is reported
// apart from the targets, without a goal, with what each may lose on a
// crash, and only when both ran.
func TestSummaryNoSync(t *testing.T) {
	var s Summary
	s.Add(sumLine(SysRelstorePebbleNoSync, Q2, 10, true))
	var b bytes.Buffer
	if err := s.Write(&b); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "without a goal") {
		t.Fatalf("a comparison without its peer:\n%s", b.String())
	}
	s.Add(sumLine(SysSQLiteWAL, Q2, 25, true))
	b.Reset()
	if err := s.Write(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	_, rest, ok := strings.Cut(out, "without a goal")
	if !ok {
		t.Fatalf("no comparison:\n%s", out)
	}
	for _, want := range []string{"Q2", SysRelstorePebbleNoSync, SysSQLiteWAL, "2.50×", "process crash"} {
		if !strings.Contains(rest, want) {
			t.Errorf("comparison lacks %q:\n%s", want, rest)
		}
	}
	if strings.Contains(rest, "MISS") || strings.Contains(rest, "≥") {
		t.Errorf("the comparison has a goal:\n%s", rest)
	}
}
