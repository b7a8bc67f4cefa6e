// Package httpload is the load generator of the workload runner's HTTP mode
// (WORKLOAD.md, "Over HTTP (LB3 REST API)"): a closed-loop client that runs
// Q1–Q4's REST requests against a server on a loopback address at
// concurrency 1 and 16 and reports one workload.Line per (op, concurrency)
// with n, req/s, per_op_us, p50_us, p99_us and bytes.
//
// Every (op, concurrency) is bounded in count (10,000 requests for Q1/Q2,
// following the stream in order; 500 for Q3/Q4) and in time (no new request
// after 8 s; in-flight ones finish, each bounded by a request timeout). An
// untimed preflight (20 stream requests for Q1/Q2, one for Q3/Q4) is fully
// decoded and checked against the workload's expected records and id sum;
// under load only the status (200) and the body size are checked.
package httpload
