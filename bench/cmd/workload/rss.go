package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// peakRSSNote says what the peak RSS figures cover.
const peakRSSNote = "process-wide; reset before each system where the kernel allows, so each figure is that system's load and queries plus the heap the process kept"

// peakRSSKB returns the process's peak resident set size in kB (VmHWM of
// /proc/self/status).
func peakRSSKB() (int64, error) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	return parseVmHWM(b)
}

// parseVmHWM extracts the VmHWM value (kB) from the text of a
// /proc/<pid>/status file.
func parseVmHWM(status []byte) (int64, error) {
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || k != "VmHWM" {
			continue
		}
		f := strings.Fields(v)
		if len(f) == 0 {
			break
		}
		n, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("VmHWM %q: %w", v, err)
		}
		if len(f) > 1 && f[1] != "kB" {
			return 0, fmt.Errorf("VmHWM unit %q, want kB", f[1])
		}
		return n, nil
	}
	return 0, fmt.Errorf("no VmHWM line")
}

// resetPeakRSS returns freed memory to the OS and resets VmHWM to the
// current RSS (writing 5 to /proc/self/clear_refs, Linux ≥ 4.0); best
// effort: on failure the peak stays process-wide.
func resetPeakRSS() {
	debug.FreeOSMemory()
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}
