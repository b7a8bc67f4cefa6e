package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/relstore/relstore/bench/httpload"
	"github.com/relstore/relstore/bench/httpmode"
	"github.com/relstore/relstore/bench/workload"
)

// HTTP mode (WORKLOAD.md, "Over HTTP (LB3 REST API)"):
//
//	go run ./bench/cmd/workload -serve -system relstore-memory   # prints {"ready":true,"port":N}
//	go run ./bench/cmd/workload -load http://127.0.0.1:N         # JSON lines for Q1–Q4 × conc 1, 16
//
// Both sides must use the same -scale and -seed: the load side checks the
// server's answers against the data it generates itself.

// maxLifetimeS caps MAX_LIFETIME_S (a day), so that a typo cannot leave a
// server running for ever.
const maxLifetimeS = 86400

// parseHTTPEnv reads PORT and MAX_LIFETIME_S into c.
func (c *config) parseHTTPEnv(getenv func(string) string) error {
	if v := getenv(envPort); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil || p < 0 || p > 65535 {
			return fmt.Errorf("%s=%q: want a port number (0 picks one)", envPort, v)
		}
		c.port = p
	}
	c.lifetime = httpmode.DefaultLifetime
	if v := getenv(envLifetime); v != "" {
		s, err := strconv.ParseFloat(v, 64)
		if err != nil || !(s > 0) || s > maxLifetimeS || math.IsInf(s, 0) {
			return fmt.Errorf("%s=%q: want seconds in (0, %d]", envLifetime, v, maxLifetimeS)
		}
		c.lifetime = time.Duration(s * float64(time.Second))
	}
	return nil
}

// checkHTTPMode validates -serve and -load against the rest of c.
func (c *config) checkHTTPMode() error {
	switch {
	case c.serve && c.load != "":
		return fmt.Errorf("-serve and -load are separate processes; give one")
	case c.serve && (c.systemsDefaulted || len(c.systems) != 1):
		return fmt.Errorf("-serve needs exactly one -system (relstore-memory or relstore-pebble)")
	case c.load != "" && !c.systemsDefaulted && len(c.systems) != 1:
		return fmt.Errorf("-load takes at most one -system (the name of its lines)")
	case c.load != "":
		if _, err := httpload.ParseBase(c.load); err != nil {
			return err
		}
	}
	return nil
}

// serveContext is the parent context of -serve (tests replace it to stop
// the server early).
var serveContext = context.Background

// runServe is -serve: load the workload into c.systems[0] and serve it
// until the lifetime ends or a SIGINT/SIGTERM arrives.
func runServe(c *config, d *workload.Data, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(serveContext(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := httpmode.Serve(ctx, httpmode.Config{System: c.systems[0], Data: d, Port: c.port,
		Lifetime: c.lifetime, Stdout: stdout, Stderr: stderr})
	if err != nil {
		fmt.Fprintln(stderr, "workload:", err)
		return exitFailed
	}
	return exitOK
}

// runLoad is -load: the HTTP load generator, one JSON line per (op, conc)
// on stdout. The system key is the -system given, else
// httpload.DefaultSystem.
func runLoad(c *config, d *workload.Data, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	lc := httpload.Config{Base: c.load, Round: c.round}
	if !c.systemsDefaulted {
		lc.System = c.systems[0]
	}
	status := exitOK
	err := httpload.Run(ctx, d, lc, func(l workload.Line) {
		if err := l.WriteJSON(stdout); err != nil {
			fmt.Fprintln(stderr, "workload: writing output:", err)
			status = exitFailed
		}
		verdict := "ok"
		if !l.CheckOK {
			verdict = "CHECK FAILED (" + l.Note + ")"
			status = exitFailed
		}
		fmt.Fprintf(stderr, "%-22s %s conc %-2d n=%-6d %10.0f req/s  p50 %8.0f us  p99 %8.0f us  %s\n",
			l.System, l.Op, l.Conc, l.N, l.OpsPerS, l.P50US, l.P99US, verdict)
	})
	if err != nil {
		fmt.Fprintln(stderr, "workload:", err)
		return exitFailed
	}
	return status
}
