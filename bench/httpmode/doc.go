// Package httpmode is the serve side of the workload runner's HTTP mode
// (WORKLOAD.md, "Over HTTP (LB3 REST API)"): it loads the workload into a
// relstore engine (one of bench/relstorepeer's systems), serves LoopBack
// 3's REST API over it under /api on 127.0.0.1 only, announces
// {"ready":true,"port":N} on one stdout line once the data is loaded, and
// stops by itself after a bounded lifetime.
package httpmode
