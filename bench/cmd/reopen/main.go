// Command reopen measures how long a relstore Pebble store of about a
// million records takes to come back: it loads the workload (SCALE=2.5 by
// default: 1,025,000 rows) into a Pebble store in a temporary directory,
// closes it, then times storage.OpenPebble + engine.Open + the model
// definition (as bench/relstorepeer does) + the first Q1 op, and prints one
// JSON line with op "reopen" on stdout. The directory is removed at the end.
//
//	go run ./bench/cmd/reopen [-scale 2.5] [-seed 42]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/relstore/relstore/bench/relstorepeer"
	"github.com/relstore/relstore/bench/workload"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// Line is the JSON line printed: a workload.Line with op "reopen" whose
// records/idsum are those of the first Q1 op; StoreRecords is the number of
// records in the store and OpenSeconds the part spent before the query.
type line struct {
	workload.Line
	StoreRecords int64   `json:"store_records"`
	OpenSeconds  float64 `json:"open_seconds"`
	LoadSeconds  float64 `json:"load_seconds"`
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("reopen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	scale := fs.Float64("scale", 2.5, "workload scale of the store (2.5 = 1,025,000 rows)")
	seed := fs.Uint64("seed", uint64(workload.DefaultSeed), "generator seed")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 || *scale <= 0 || *seed > 1<<32-1 {
		fmt.Fprintln(stderr, "reopen: bad arguments")
		return 2
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400) // as the runner
	}
	if err := measure(context.Background(), *scale, uint32(*seed), stdout, stderr); err != nil {
		fmt.Fprintln(stderr, "reopen:", err)
		return 1
	}
	return 0
}

func measure(ctx context.Context, scale float64, seed uint32, stdout, stderr io.Writer) error {
	d := workload.Generate(scale, seed)
	dir, err := os.MkdirTemp("", "relstore-bench-reopen-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	// Build: load the workload, close the store.
	fmt.Fprintf(stderr, "reopen: loading %d rows (scale %v) into %s\n", d.Rows(), scale, dir)
	s, err := relstorepeer.OpenPebbleDir(dir, false)
	if err != nil {
		return err
	}
	start := time.Now()
	got, err := s.Load(ctx, d)
	load := time.Since(start).Seconds()
	if err != nil {
		s.Close()
		return err
	}
	if want := d.Expect(workload.W1, d.Planned(workload.W1)); got != want {
		s.Close()
		return fmt.Errorf("loaded %v, want %v", got, want)
	}
	if err := s.Close(); err != nil {
		return err
	}
	disk, _ := workload.DirBytes(dir)
	fmt.Fprintf(stderr, "reopen: loaded in %.2fs, %d bytes on disk; closed\n", load, disk)
	d2 := d.Q1[0]
	want := d.Expect(workload.Q1, 1)
	rows := d.Rows()
	d = nil
	runtime.GC()
	debug.FreeOSMemory()

	// Timed: open + define + first query.
	start = time.Now()
	s, err = relstorepeer.OpenPebbleDir(dir, false)
	if err != nil {
		return err
	}
	opened := time.Since(start).Seconds()
	t, qerr := s.OrderCustomer(ctx, d2)
	elapsed := time.Since(start).Seconds()
	if err := s.Close(); err != nil && qerr == nil {
		qerr = err
	}
	l := line{Line: workload.Line{System: workload.SysRelstorePebble, Op: "reopen", Primary: true,
		N: 1, Planned: 1, Seconds: elapsed, PerOpUS: elapsed * 1e6, Records: t.Records, IDSum: t.IDSum,
		CheckOK: qerr == nil && t == want, Expect: &want, DiskBytes: disk, Scale: scale, Seed: seed},
		StoreRecords: int64(rows), OpenSeconds: opened, LoadSeconds: load}
	if elapsed > 0 {
		l.OpsPerS = 1 / elapsed
	}
	if qerr != nil {
		l.Note = "error: " + qerr.Error()
	}
	if kb, err := peakRSS(); err == nil {
		l.RSSKB = kb
	}
	if err := writeJSON(stdout, &l); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "reopen: open+define %.3fs, first query %.3fs, total %.3fs, check_ok %v\n",
		opened, elapsed-opened, elapsed, l.CheckOK)
	if !l.CheckOK {
		return fmt.Errorf("first query: got %v, want %v (%v)", t, want, qerr)
	}
	return nil
}
