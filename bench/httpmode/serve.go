package httpmode

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/relstore/relstore/bench/relstorepeer"
	"github.com/relstore/relstore/bench/workload"
	"github.com/relstore/relstore/server"
)

// Defaults of Config.
const (
	// DefaultLifetime is how long Serve serves when Config.Lifetime is 0
	// (MAX_LIFETIME_S unset).
	DefaultLifetime = 600 * time.Second
	// shutdownGrace bounds the wait for in-flight requests at the end.
	shutdownGrace = 5 * time.Second
	// readHeaderTimeout bounds a client that opens a connection and stalls.
	readHeaderTimeout = 10 * time.Second
	// listenHost is the only address Serve listens on.
	listenHost = "127.0.0.1"
)

// Config configures Serve.
type Config struct {
	// System is a relstore system name (relstore-memory, relstore-pebble,
	// relstore-pebble-nosync).
	System string
	// Data is the workload to load.
	Data *workload.Data
	// Port is the TCP port on 127.0.0.1; 0 picks a free one.
	Port int
	// Lifetime is how long to serve once ready (0: DefaultLifetime).
	Lifetime time.Duration
	// Stdout gets the ready line; Stderr gets progress.
	Stdout, Stderr io.Writer
	// Ready, when set, is called with the port once the ready line is
	// written (for in-process callers).
	Ready func(port int)
}

// ReadyLine is the one line Serve prints on stdout once the data is loaded
// and the listener is open.
type ReadyLine struct {
	Ready bool `json:"ready"`
	Port  int  `json:"port"`
}

// Serve loads cfg.Data into a fresh cfg.System store, serves the REST API
// under /api on 127.0.0.1:cfg.Port until cfg.Lifetime has passed or ctx is
// done, then shuts the server down (in-flight requests get shutdownGrace)
// and closes the store. Reaching the lifetime or ctx's end is not an error.
func Serve(ctx context.Context, cfg Config) error {
	sys, ok := relstorepeer.Systems()[cfg.System]
	if !ok {
		return fmt.Errorf("httpmode: %q is not a relstore system", cfg.System)
	}
	if cfg.Data == nil {
		return errors.New("httpmode: no data")
	}
	if cfg.Port < 0 || cfg.Port > 65535 {
		return fmt.Errorf("httpmode: port %d out of range", cfg.Port)
	}
	lifetime := cfg.Lifetime
	if lifetime <= 0 {
		lifetime = DefaultLifetime
	}
	stdout, stderr := orDiscard(cfg.Stdout), orDiscard(cfg.Stderr)

	ws, err := sys.Open(ctx)
	if err != nil {
		return err
	}
	sess := ws.(*relstorepeer.Session)
	defer sess.Close()
	start := time.Now()
	t, err := sess.Load(ctx, cfg.Data)
	if err != nil {
		return fmt.Errorf("httpmode: loading: %w", err)
	}
	fmt.Fprintf(stderr, "httpmode: %s loaded %d rows in %v\n", cfg.System, t.Records, time.Since(start).Round(time.Millisecond))

	ln, err := net.Listen("tcp", net.JoinHostPort(listenHost, strconv.Itoa(cfg.Port)))
	if err != nil {
		return err
	}
	shutdown := make(chan struct{})
	srv := &http.Server{
		Handler: server.New(sess.DB(), &server.Options{
			Logger:   slog.New(slog.DiscardHandler), // a log line per request would dominate
			Shutdown: shutdown,
		}),
		ReadHeaderTimeout: readHeaderTimeout,
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	port := ln.Addr().(*net.TCPAddr).Port
	b, _ := json.Marshal(ReadyLine{Ready: true, Port: port})
	if _, err := stdout.Write(append(b, '\n')); err != nil {
		srv.Close()
		return err
	}
	if cfg.Ready != nil {
		cfg.Ready(port)
	}
	fmt.Fprintf(stderr, "httpmode: serving http://%s:%d/api for at most %v\n", listenHost, port, lifetime)

	timer := time.NewTimer(lifetime)
	defer timer.Stop()
	var serveErr error
	select {
	case <-timer.C:
		fmt.Fprintln(stderr, "httpmode: lifetime reached, stopping")
	case <-ctx.Done():
		fmt.Fprintln(stderr, "httpmode: stopping")
	case serveErr = <-served:
	}
	close(shutdown)
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
	}
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return serveErr
	}
	return nil
}

func orDiscard(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	return w
}
