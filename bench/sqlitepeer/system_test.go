package sqlitepeer

import (
	"context"
	"os"
	"testing"

	"github.com/relstore/relstore/bench/workload"
)

// testScale is the tiny scale of the end-to-end tests (NC=100).
const testScale = 0.01

func TestSystemsEndToEnd(t *testing.T) {
	d := workload.Generate(testScale, workload.DefaultSeed)
	for name, sys := range Systems() {
		t.Run(name, func(t *testing.T) {
			sys.cfg.Dir = t.TempDir()
			var lines []workload.Line
			err := workload.Run(context.Background(), sys, d, workload.Config{Reps: 2, Round: 1},
				func(l workload.Line) { lines = append(lines, l) })
			if err != nil {
				t.Fatal(err)
			}
			ops := map[workload.Op]int{}
			for _, l := range lines {
				ops[l.Op]++
				if !l.CheckOK {
					t.Errorf("%s %s [%s]: check failed: got %d/%d, want %v (%s)",
						name, l.Op, l.Variant, l.Records, l.IDSum, l.Expect, l.Note)
				}
				if l.System != name || l.Variant == "" {
					t.Errorf("line %+v", l)
				}
			}
			if ops[workload.Q6] != 2 || ops[workload.Q3] != 2 {
				t.Errorf("Q3 lines %d (structs, maps), Q6 lines %d (join, two-step)", ops[workload.Q3], ops[workload.Q6])
			}
			if got, want := ops[workload.Q8], map[bool]int{true: 1, false: 0}[sys.Durable()]; got != want {
				t.Errorf("Q8 lines %d, want %d", got, want)
			}
			entries, err := os.ReadDir(sys.cfg.Dir)
			if err != nil || len(entries) != 0 {
				t.Errorf("temporary files left after Close: %v %v", entries, err)
			}
		})
	}
}

func TestPragmas(t *testing.T) {
	ctx := context.Background()
	for name, want := range map[string]struct{ journal, sync string }{
		workload.SysSQLiteMem:     {"memory", ""},
		workload.SysSQLiteWAL:     {"wal", "1"}, // NORMAL
		workload.SysSQLiteWALFull: {"wal", "2"}, // FULL
	} {
		sys := Systems()[name]
		sys.cfg.Dir = t.TempDir()
		sess, err := sys.Open(ctx)
		if err != nil {
			t.Fatal(err)
		}
		s := sess.(*Session)
		check := func(pragma, want string) {
			if got, err := s.Pragma(ctx, pragma); err != nil || got != want {
				t.Errorf("%s: PRAGMA %s = %q (%v), want %q", name, pragma, got, err, want)
			}
		}
		check("journal_mode", want.journal)
		if want.sync != "" {
			check("synchronous", want.sync)
		}
		check("cache_size", "-65536")
		if err := sess.Close(); err != nil {
			t.Error(err)
		}
	}
}
