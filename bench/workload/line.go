package workload

import (
	"encoding/json"
	"io"
)

// Line is one JSON output line: the result of one (system, op, variant) in
// one round, in WORKLOAD.md's "Output format". Mandatory keys are always
// written; optional ones are omitted when empty, except check_ok, records
// and idsum, which are always written.
//
// Records and IDSum: for stream ops (W1, Q1, Q2, Q7, Q8) the totals over
// the n ops done; for call ops (Q3–Q6) those of one call (every call,
// warm-up included, must agree for CheckOK). PerRecordUS is always
// per_op_us per record of one op (W1: per row; Q3–Q6:
// seconds/(n·records)·1e6).
type Line struct {
	System      string  `json:"system"`
	Op          Op      `json:"op"`
	Variant     string  `json:"variant,omitempty"`
	Primary     bool    `json:"primary"`
	N           int     `json:"n"`
	Planned     int     `json:"planned,omitempty"`
	Seconds     float64 `json:"seconds"`
	PerOpUS     float64 `json:"per_op_us"`
	OpsPerS     float64 `json:"ops_per_s"`
	Records     int64   `json:"records"`
	PerRecordUS float64 `json:"per_record_us,omitempty"`
	IDSum       int64   `json:"idsum"`
	CheckOK     bool    `json:"check_ok"`
	Expect      *Tally  `json:"expect,omitempty"`
	Conc        int     `json:"conc,omitempty"`
	// P50US and P99US are latency percentiles of one request (HTTP mode).
	P50US float64 `json:"p50_us,omitempty"`
	P99US float64 `json:"p99_us,omitempty"`
	// Bytes is the response body bytes received in the timed part (HTTP
	// mode).
	Bytes int64 `json:"bytes,omitempty"`
	// RSSKB is the process's peak resident set (VmHWM, kB) when the line
	// was measured (W1 lines of the runner).
	RSSKB int64 `json:"rss_kb,omitempty"`
	// DiskBytes is the size of the store's files right after W1 (systems
	// whose sessions implement DiskUser).
	DiskBytes   int64   `json:"disk_bytes,omitempty"`
	Scale       float64 `json:"scale"`
	Seed        uint32  `json:"seed"`
	Fingerprint string  `json:"fingerprint,omitempty"`
	Round       int     `json:"round,omitempty"`
	Note        string  `json:"note,omitempty"`
}

// microsPerSecond converts seconds to microseconds.
const microsPerSecond = 1e6

// setTiming fills Seconds, PerOpUS, OpsPerS and PerRecordUS from seconds,
// N and recordsPerOp (records of one op, or total records/N for streams).
func (l *Line) setTiming(seconds float64, recordsTotal int64) {
	l.Seconds = seconds
	if l.N <= 0 {
		return
	}
	l.PerOpUS = seconds / float64(l.N) * microsPerSecond
	if seconds > 0 {
		l.OpsPerS = float64(l.N) / seconds
	}
	if recordsTotal > 0 {
		l.PerRecordUS = seconds / float64(recordsTotal) * microsPerSecond
	}
}

// WriteJSON writes l as one JSON line to w.
func (l *Line) WriteJSON(w io.Writer) error {
	b, err := json.Marshal(l)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
