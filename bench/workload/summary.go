package workload

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"text/tabwriter"
)

// Target is one of the project's performance targets: the median per-op
// time of Peer divided by that of System (so "×N faster") must be at least
// Min for Op.
type Target struct {
	Op     Op
	System string
	Peer   string
	Min    float64
}

// System names of the runner, shared by the peers and the summary.
const (
	SysRelstoreMemory       = "relstore-memory"
	SysRelstorePebble       = "relstore-pebble"
	SysRelstorePebbleNoSync = "relstore-pebble-nosync"
	SysSQLiteMem            = "sqlite-mem"
	SysSQLiteWAL            = "sqlite-wal"
	SysSQLiteWALFull        = "sqlite-wal-full"
)

// Target ratios from the issue: memory mode against SQLite in memory,
// durable Pebble against SQLite WAL (NORMAL) for reads and bulk load and
// against SQLite WAL with synchronous=FULL for durable point updates.
const (
	memoryReadTarget   = 5
	memoryWriteTarget  = 1
	durableReadTarget  = 2
	durableWriteTarget = 1
	concurrentTarget   = 3
)

// Targets lists every target the summary checks.
var Targets = func() []Target {
	var ts []Target
	for _, op := range []Op{Q1, Q2, Q3, Q4, Q5, Q6} {
		ts = append(ts, Target{op, SysRelstoreMemory, SysSQLiteMem, memoryReadTarget})
	}
	ts = append(ts,
		Target{W1, SysRelstoreMemory, SysSQLiteMem, memoryWriteTarget},
		Target{Q7, SysRelstoreMemory, SysSQLiteMem, memoryWriteTarget})
	for _, op := range []Op{W1, Q1, Q2, Q3, Q4, Q5, Q6} {
		ts = append(ts, Target{op, SysRelstorePebble, SysSQLiteWAL, durableReadTarget})
	}
	ts = append(ts,
		Target{Q7, SysRelstorePebble, SysSQLiteWALFull, durableWriteTarget},
		Target{Q8, SysRelstorePebble, SysSQLiteWALFull, concurrentTarget})
	return ts
}()

// NoSyncComparisons set relstore-pebble-nosync against sqlite-wal, the
// issue's separate report without a goal: neither makes a commit durable
// against a power cut before acknowledging it.
var NoSyncComparisons = func() []Target {
	var ts []Target
	for _, op := range []Op{W1, Q1, Q2, Q3, Q4, Q5, Q6, Q7} {
		ts = append(ts, Target{op, SysRelstorePebbleNoSync, SysSQLiteWAL, 0})
	}
	return ts
}()

// NoSyncCrashLoss says what each side of NoSyncComparisons may lose on a
// crash.
const NoSyncCrashLoss = `relstore-pebble-nosync (Pebble NoSync) acknowledges a commit with its WAL record still
buffered in the process: a process crash, not only a power cut, can lose the latest acknowledged
commits (the store reopens consistent, as of an earlier commit). sqlite-wal (synchronous=NORMAL)
hands each commit to the OS before acknowledging it: a process crash loses nothing, a power cut or
OS crash can lose the latest commits (the database stays consistent).`

// Summary accumulates lines over rounds and reports medians.
type Summary struct {
	lines   []Line
	systems []string // in order of first appearance
}

// Add records one line.
func (s *Summary) Add(l Line) {
	s.lines = append(s.lines, l)
	if !slices.Contains(s.systems, l.System) {
		s.systems = append(s.systems, l.System)
	}
}

// rowKey identifies a row of the table: an op and, for non-primary
// variants, the variant.
type rowKey struct {
	op      Op
	variant string // "" for the primary
}

// Median returns the median per_op_us over the rounds of system's op
// (primary variant when variant is "", else that variant), counting only
// lines that passed their check; ok is false when there are none. failed
// counts the lines that did not pass.
func (s *Summary) Median(system string, op Op, variant string) (perOpUS float64, ok bool, failed int) {
	var xs []float64
	for _, l := range s.lines {
		if l.System != system || l.Op != op || (variant == "" && !l.Primary) || (variant != "" && (l.Primary || l.Variant != variant)) {
			continue
		}
		if !l.CheckOK || l.N == 0 {
			failed++
			continue
		}
		xs = append(xs, l.PerOpUS)
	}
	if len(xs) == 0 {
		return 0, false, failed
	}
	return median(xs), true, failed
}

// median returns the median of xs (the mean of the middle two for an even
// count). xs is sorted in place.
func median(xs []float64) float64 {
	sort.Float64s(xs)
	m := len(xs) / 2
	if len(xs)%2 == 1 {
		return xs[m]
	}
	return (xs[m-1] + xs[m]) / 2
}

// Ratio returns Peer's median per-op time over System's for t (how many
// times faster System is); ok is false when either is missing.
func (s *Summary) Ratio(t Target) (ratio float64, ok bool) {
	sys, ok1, _ := s.Median(t.System, t.Op, "")
	peer, ok2, _ := s.Median(t.Peer, t.Op, "")
	if !ok1 || !ok2 || sys == 0 {
		return 0, false
	}
	return peer / sys, true
}

// Display units: stream ops as throughput, call ops as milliseconds per call.
const (
	unitThroughput = "ops/s"
	unitRows       = "rows/s"
	unitMsPerCall  = "ms/call"
	usPerMs        = 1000
	usPerS         = 1e6
)

// cell formats a median per-op time of op in the op's display unit.
func cell(op Op, perOpUS float64) string {
	if op.IsStream() {
		return fmt.Sprintf("%.0f", usPerS/perOpUS)
	}
	return fmt.Sprintf("%.2f", perOpUS/usPerMs)
}

func unit(op Op) string {
	switch {
	case op == W1:
		return unitRows
	case op.IsStream():
		return unitThroughput
	}
	return unitMsPerCall
}

// Write prints the medians table (one row per op and non-primary variant,
// one column per system) and the targets with their ratios to w.
func (s *Summary) Write(w io.Writer) error {
	var rows []rowKey
	for _, op := range Ops {
		rows = append(rows, rowKey{op: op})
		var variants []string
		for _, l := range s.lines {
			if l.Op == op && !l.Primary && !slices.Contains(variants, l.Variant) {
				variants = append(variants, l.Variant)
			}
		}
		for _, v := range variants {
			rows = append(rows, rowKey{op, v})
		}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "op\tunit\t")
	for _, sys := range s.systems {
		fmt.Fprintf(tw, "%s\t", sys)
	}
	fmt.Fprintln(tw)
	for _, r := range rows {
		var cells []string
		shown := false
		for _, sys := range s.systems {
			m, ok, failed := s.Median(sys, r.op, r.variant)
			switch {
			case ok && failed > 0:
				cells = append(cells, cell(r.op, m)+"!")
				shown = true
			case ok:
				cells = append(cells, cell(r.op, m))
				shown = true
			case failed > 0:
				cells = append(cells, "FAIL")
				shown = true
			default:
				cells = append(cells, "-")
			}
		}
		if !shown {
			continue
		}
		label := string(r.op)
		if r.variant != "" {
			label += " [" + r.variant + "]"
		}
		fmt.Fprintf(tw, "%s\t%s\t", label, unit(r.op))
		for _, c := range cells {
			fmt.Fprintf(tw, "%s\t", c)
		}
		fmt.Fprintln(tw)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "(medians over rounds of check_ok lines; \"!\" = some rounds failed their check)")
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "target\trelstore\tpeer\tratio\tgoal\tresult\t")
	shown := 0
	for _, t := range s.TargetResults() {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.2f×\t≥%g×\t%s\t\n", t.Op, t.System, t.Peer, t.Ratio, t.Min, t.Verdict())
		shown++
	}
	if shown == 0 {
		fmt.Fprintln(tw, "(no target has both systems in this run)\t\t\t\t\t\t")
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return s.writeNoSync(w)
}

// writeNoSync prints the NoSyncComparisons that have both systems in the
// run, with what each side may lose on a crash.
func (s *Summary) writeNoSync(w io.Writer) error {
	var lines []string
	for _, t := range NoSyncComparisons {
		if r, ok := s.Ratio(t); ok {
			lines = append(lines, fmt.Sprintf("%s\t%s\t%s\t%.2f×\t", t.Op, t.System, t.Peer, r))
		}
	}
	if len(lines) == 0 {
		return nil
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "without a goal: neither side syncs a commit before acknowledging it")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "op\trelstore\tpeer\tratio\t")
	for _, l := range lines {
		fmt.Fprintln(tw, l)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, NoSyncCrashLoss)
	return err
}

// TargetResult is a target with its measured ratio.
type TargetResult struct {
	Target
	Ratio float64
}

// Met reports whether the ratio reaches the target.
func (t TargetResult) Met() bool { return t.Ratio >= t.Min }

// Verdict is "ok" or "MISS".
func (t TargetResult) Verdict() string {
	if t.Met() {
		return "ok"
	}
	return "MISS"
}

// TargetResults returns the targets whose two systems both have a median.
func (s *Summary) TargetResults() []TargetResult {
	var out []TargetResult
	for _, t := range Targets {
		if r, ok := s.Ratio(t); ok {
			out = append(out, TargetResult{t, r})
		}
	}
	return out
}
