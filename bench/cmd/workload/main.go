// Command workload runs relstore's perf workload (version 1, see
// /work/shared/perf/WORKLOAD.md and bench/workload) against relstore and its
// SQLite peers, and prints one JSON line per (round, system, op, variant) on
// stdout and a summary (medians over rounds, relstore/SQLite ratios against
// the targets) on stderr.
//
//	go run ./bench/cmd/workload [-system list] [-scale 1] [-seed 42] [-reps 5]
//	    [-budget seconds] [-rounds 3] [-markdown bench/RESULTS.md]
//	go run ./bench/cmd/workload -serve -system relstore-memory|relstore-pebble
//	go run ./bench/cmd/workload -load http://127.0.0.1:N
//
// -serve and -load are the HTTP mode (see http.go): a relstore daemon
// loaded with the workload on 127.0.0.1:$PORT for $MAX_LIFETIME_S seconds,
// and a closed-loop load generator for it.
//
// SCALE, SEED, REPS and OP_BUDGET_S set the defaults of -scale, -seed, -reps
// and -budget; a flag on the command line wins. When ROUND is set, one round
// runs and its lines carry that round number. Each round visits every
// system in turn (A B A B …), each on a freshly opened, empty store. The
// exit status is 1 when an op failed or returned a wrong result.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/relstore/relstore/bench/workload"
)

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// gcPercent is the garbage collector target used unless GOGC is set.
const gcPercent = 400

// Exit statuses.
const (
	exitOK     = 0
	exitFailed = 1
	exitUsage  = 2
)

// run is main with its inputs and outputs passed in, for tests.
func run(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cfg, err := parseConfig(args, getenv, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "workload:", err)
		return exitUsage
	}
	cfg.command = "go run ./bench/cmd/workload " + strings.Join(args, " ")
	if getenv("GOGC") == "" {
		// Every system runs in this process with the same collector
		// setting; a datastore's live heap is large, so collect less often
		// (the relstore daemon does the same).
		debug.SetGCPercent(gcPercent)
	}
	if cfg.cpuprofile != "" {
		f, err := os.Create(cfg.cpuprofile)
		if err != nil {
			fmt.Fprintln(stderr, "workload:", err)
			return exitUsage
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(stderr, "workload:", err)
			return exitUsage
		}
		defer pprof.StopCPUProfile()
	}
	if cfg.serve || cfg.load != "" {
		d := workload.Generate(cfg.scale, cfg.seed)
		fmt.Fprintf(stderr, "workload v1 over HTTP: scale %v seed %d fingerprint %s\n", cfg.scale, cfg.seed, d.Fingerprint())
		if cfg.serve {
			return runServe(cfg, d, stdout, stderr)
		}
		return runLoad(cfg, d, stdout, stderr)
	}
	systems, err := pickSystems(cfg, registry(), stderr)
	if err != nil {
		fmt.Fprintln(stderr, "workload:", err)
		return exitUsage
	}
	d := workload.Generate(cfg.scale, cfg.seed)
	fp := d.Fingerprint()
	fmt.Fprintf(stderr, "workload v1: scale %v seed %d fingerprint %s, %d rows, %d rounds of %s\n",
		cfg.scale, cfg.seed, fp, d.Rows(), cfg.rounds, names(systems))

	var sum workload.Summary
	var lines []workload.Line
	var peaks []string // peak RSS after each (round, system)
	status := exitOK
	started, loadBefore := time.Now(), loadAvg()
	ctx := context.Background()
	for i := range cfg.rounds {
		for _, sys := range systems {
			rc := workload.Config{Reps: cfg.reps, Budget: cfg.budget, Round: cfg.roundNumber(i), Ops: cfg.ops}
			resetPeakRSS()
			err := workload.Run(ctx, sys, d, rc, func(l workload.Line) {
				if l.Op == workload.W1 {
					l.RSSKB, _ = peakRSSKB()
				}
				if err := l.WriteJSON(stdout); err != nil {
					fmt.Fprintln(stderr, "workload: writing output:", err)
					status = exitFailed
				}
				sum.Add(l)
				lines = append(lines, l)
				progress(stderr, l)
				if !l.CheckOK {
					status = exitFailed
				}
			})
			if err != nil {
				fmt.Fprintf(stderr, "workload: round %d: %v\n", rc.Round, err)
				status = exitFailed
			}
			if kb, err := peakRSSKB(); err == nil {
				peaks = append(peaks, fmt.Sprintf("round %d %-22s %8.1f MiB", rc.Round, sys.Name(), float64(kb)/1024))
			}
		}
	}
	fmt.Fprintln(stderr)
	if err := sum.Write(stderr); err != nil {
		fmt.Fprintln(stderr, "workload:", err)
		status = exitFailed
	}
	if len(peaks) > 0 {
		fmt.Fprintf(stderr, "\npeak RSS (VmHWM; %s)\n", peakRSSNote)
		for _, p := range peaks {
			fmt.Fprintln(stderr, "  "+p)
		}
	}
	if cfg.markdown != "" {
		rep := report{cfg: cfg, loadBefore: loadBefore, fingerprint: fp, machine: describeMachine(), started: started,
			elapsed: time.Since(started), summary: &sum, lines: lines}
		if err := rep.writeFile(cfg.markdown); err != nil {
			fmt.Fprintln(stderr, "workload:", err)
			status = exitFailed
		}
	}
	return status
}

// pickSystems resolves cfg.systems against reg. Unknown names are an error,
// except that the default list skips systems not built into this binary.
func pickSystems(cfg *config, reg map[string]workload.System, stderr io.Writer) ([]workload.System, error) {
	var out []workload.System
	for _, name := range cfg.systems {
		sys, ok := reg[name]
		switch {
		case ok:
			out = append(out, sys)
		case cfg.systemsDefaulted && slices.Contains(allSystems, name):
			fmt.Fprintf(stderr, "workload: %s is not available in this build, skipped\n", name)
		default:
			return nil, fmt.Errorf("unknown or unavailable system %q (known: %s)", name, strings.Join(allSystems, ", "))
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no system to run")
	}
	return out, nil
}

func names(systems []workload.System) string {
	var ns []string
	for _, s := range systems {
		ns = append(ns, s.Name())
	}
	return strings.Join(ns, ",")
}

// progress prints a one-line account of l on stderr.
func progress(w io.Writer, l workload.Line) {
	verdict := "ok"
	if !l.CheckOK {
		verdict = "CHECK FAILED"
		if l.Note != "" {
			verdict += " (" + l.Note + ")"
		}
	}
	label := string(l.Op)
	if !l.Primary {
		label += " [" + l.Variant + "]"
	}
	fmt.Fprintf(w, "round %d %-22s %-22s n=%-7d %9.3fs %12.1f us/op  %s\n",
		l.Round, l.System, label, l.N, l.Seconds, l.PerOpUS, verdict)
}
