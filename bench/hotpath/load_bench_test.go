package hotpath

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/relstore/relstore/bench/relstorepeer"
	"github.com/relstore/relstore/bench/workload"
)

// benchLoad runs the bulk load (W1: every row created in one write
// transaction) at BenchScale into a new session of system per iteration,
// reporting rows/s and the process CPU time (user and system, all threads:
// GC included) per row, which varies less than wall time on a busy machine.
func benchLoad(b *testing.B, system string) {
	ctx := context.Background()
	d := workload.Generate(BenchScale, workload.DefaultSeed)
	rows := len(d.Customers) + len(d.Orders) + len(d.Items)
	sys := relstorepeer.Systems()[system]
	b.ReportAllocs()
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		s, err := sys.Open(ctx)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		c0 := cpuTime()
		t, err := s.(*relstorepeer.Session).Load(ctx, d)
		cpu += cpuTime() - c0
		if err != nil || t.Records != int64(rows) {
			b.Fatalf("Load: %v, %d records, want %d", err, t.Records, rows)
		}
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(b.N*rows)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N*rows), "cpu-ns/row")
}

// cpuTime returns the CPU time the process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkLoadMemory is W1 on relstore-memory.
func BenchmarkLoadMemory(b *testing.B) { benchLoad(b, workload.SysRelstoreMemory) }

// BenchmarkLoadPebbleNoSync is W1 on relstore-pebble-nosync.
func BenchmarkLoadPebbleNoSync(b *testing.B) { benchLoad(b, workload.SysRelstorePebbleNoSync) }
