package httpload

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/relstore/relstore/bench/httpmode"
	"github.com/relstore/relstore/bench/workload"
)

// serve starts httpmode.Serve in-process on port 0 and returns its base URL;
// the server stops when the test ends.
func serve(t *testing.T, d *workload.Data) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan int, 1)
	done := make(chan error, 1)
	go func() {
		done <- httpmode.Serve(ctx, httpmode.Config{System: workload.SysRelstoreMemory, Data: d,
			Lifetime: time.Minute, Ready: func(p int) { ready <- p }})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	select {
	case p := <-ready:
		return "http://127.0.0.1:" + strconv.Itoa(p)
	case err := <-done:
		t.Fatalf("serve ended before ready: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("serve not ready after 30 s")
	}
	return ""
}

func TestRunEndToEnd(t *testing.T) {
	d := workload.Generate(0.01, workload.DefaultSeed)
	base := serve(t, d)
	var lines []workload.Line
	cfg := Config{Base: base, MaxStream: 50, MaxCall: 50, Window: time.Second}
	if err := Run(context.Background(), d, cfg, func(l workload.Line) { lines = append(lines, l) }); err != nil {
		t.Fatal(err)
	}
	if len(lines) != len(Ops)*len(DefaultConcs) {
		t.Fatalf("%d lines, want %d", len(lines), len(Ops)*len(DefaultConcs))
	}
	i := 0
	for _, op := range Ops {
		for _, conc := range DefaultConcs {
			l := lines[i]
			i++
			if l.Op != op || l.Conc != conc || l.System != DefaultSystem {
				t.Errorf("line %d is %s/%d/%s, want %s/%d", i, l.Op, l.Conc, l.System, op, conc)
			}
			if !l.CheckOK || l.N <= 0 || l.N > 50 || l.Bytes <= 0 || l.OpsPerS <= 0 ||
				l.P50US <= 0 || l.P99US < l.P50US || l.Expect == nil || *l.Expect != (workload.Tally{Records: l.Records, IDSum: l.IDSum}) {
				t.Errorf("%s conc %d: %+v", op, conc, l)
			}
		}
	}
}

func TestRunReportsWrongData(t *testing.T) {
	served := workload.Generate(0.01, workload.DefaultSeed)
	base := serve(t, served)
	other := workload.Generate(0.02, workload.DefaultSeed) // the loader expects other data
	cfg := Config{Base: base, Ops: []workload.Op{workload.Q1, workload.Q4}, Concs: []int{1}, MaxStream: 30, MaxCall: 5, Window: time.Second}
	var lines []workload.Line
	if err := Run(context.Background(), other, cfg, func(l workload.Line) { lines = append(lines, l) }); err != nil {
		t.Fatal(err)
	}
	if len(lines) != 2 {
		t.Fatalf("%d lines", len(lines))
	}
	for _, l := range lines {
		if l.CheckOK || l.N != 0 || l.Note == "" {
			t.Errorf("mismatched data not caught: %+v", l)
		}
	}
}

func TestRunRefusesNonLoopback(t *testing.T) {
	d := workload.Generate(0.01, workload.DefaultSeed)
	called := false
	err := Run(context.Background(), d, Config{Base: "http://192.0.2.1:80"}, func(workload.Line) { called = true })
	if err == nil || called {
		t.Errorf("non-loopback base accepted (err %v, emitted %v)", err, called)
	}
}

func TestClosedLoopBoundedInTime(t *testing.T) {
	d := workload.Generate(0.01, workload.DefaultSeed)
	base := serve(t, d)
	paths, err := requests(d, workload.Q3, 20_000)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	res := closedLoop(context.Background(), NewClient(5*time.Second), base, paths, 4, 200*time.Millisecond)
	if el := time.Since(start); el > 3*time.Second {
		t.Errorf("loop ran %v past a 200 ms window", el)
	}
	if len(res.lat) == 0 || len(res.lat) >= len(paths) || res.failed != 0 {
		t.Errorf("n %d of %d, failed %d (%v)", len(res.lat), len(paths), res.failed, res.firstErr)
	}
}

func TestPercentile(t *testing.T) {
	lat := make([]time.Duration, 100)
	for i := range lat {
		lat[i] = time.Duration(i+1) * time.Microsecond
	}
	if p := percentile(lat, 0.5); p != 50 {
		t.Errorf("p50 = %v", p)
	}
	if p := percentile(lat, 0.99); p != 99 {
		t.Errorf("p99 = %v", p)
	}
	if p := percentile(nil, 0.5); p != 0 {
		t.Errorf("empty p50 = %v", p)
	}
}
