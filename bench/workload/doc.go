// Package workload implements relstore's standard perf workload, version 1,
// as specified in /work/shared/perf/WORKLOAD.md (a copy of the contract the
// peers are measured against).
//
// It provides:
//
//   - the deterministic data and op-stream generator (mulberry32 streams,
//     seed 42 by default) and its FNV-1a fingerprint, which must equal the
//     spec's figure at every listed scale;
//   - the expected result ("records" and "idsum") of every operation,
//     computed from the generated data, including prefixes of the op streams
//     for runs stopped by a time budget;
//   - the System/Session interfaces a measured system implements, and Run,
//     which drives one session through W1, Q1…Q7 (and Q8 for durable
//     systems), times it as the spec says and checks every result;
//   - the JSON output line and the summary (medians over rounds, ratios of
//     relstore to SQLite against the project's targets).
//
// Nothing here depends on a particular store: the SQLite peers live in
// bench/sqlitepeer and the relstore systems in bench/relstorepeer.
package workload
