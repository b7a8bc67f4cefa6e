package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/relstore/relstore/engine"
	"github.com/relstore/relstore/server"
)

// Defaults and limits of serve.
const (
	defaultAddr = "127.0.0.1:3000"
	// shutdownTimeout bounds how long in-flight requests may take to
	// finish after SIGINT/SIGTERM.
	shutdownTimeout = 30 * time.Second
	// readHeaderTimeout bounds how long a client may take to send its
	// request headers (slowloris protection).
	readHeaderTimeout = 10 * time.Second
	// tokenEnv is the environment variable --token defaults to.
	tokenEnv = "RELSTORE_TOKEN"
)

// serveConfig is the configuration of "relstore serve", from its flags.
type serveConfig struct {
	models         string // "" = the embedded examples
	addr           string
	apiRoot        string
	data           string // "" = in memory
	sync           bool
	token          string
	readOnly       bool
	maxLimit       int
	maxBody        int64
	requestTimeout time.Duration
	cors           string
	seed           string
	backupDir      string // "" = POST /_relstore/backup disabled
	logLevel       slog.Level
	// recordCacheMB bounds the decoded-record cache of a Pebble store, in
	// MiB (0: no cache); see engine.Options.RecordCacheBytes.
	recordCacheMB int64
}

// parseServeFlags reads the flags of serve; getenv supplies
// RELSTORE_TOKEN. Errors (and -h) have already been reported on stderr.
func parseServeFlags(args []string, stderr io.Writer, getenv func(string) string) (*serveConfig, error) {
	cfg := &serveConfig{}
	fs := flag.NewFlagSet("relstore serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.models, "models", "", "directory of LB3 model definitions (*.json); default: the embedded example shop")
	fs.StringVar(&cfg.addr, "addr", defaultAddr, "listen address; port 0 picks a free port")
	fs.StringVar(&cfg.apiRoot, "api-root", server.DefaultAPIRoot, "path the REST API is mounted at")
	fs.StringVar(&cfg.data, "data", "", "Pebble store directory; default: in memory (lost on exit)")
	fs.BoolVar(&cfg.sync, "sync", true, "acknowledge writes only once they are durable (--sync=false: faster, may lose the last writes on a crash)")
	fs.StringVar(&cfg.token, "token", getenv(tokenEnv), "require \"Authorization: Bearer TOKEN\" on every API request (default $"+tokenEnv+")")
	fs.BoolVar(&cfg.readOnly, "read-only", false, "refuse every write with a 403")
	fs.IntVar(&cfg.maxLimit, "max-limit", 0, "cap the rows one find returns (0: no cap)")
	fs.Int64Var(&cfg.maxBody, "max-body", server.DefaultMaxBodyBytes, "largest request body in bytes")
	fs.DurationVar(&cfg.requestTimeout, "request-timeout", 0, "deadline of each request, e.g. 30s (0: none)")
	fs.StringVar(&cfg.cors, "cors", "", "allow cross-origin requests from ORIGIN (or *)")
	fs.StringVar(&cfg.seed, "seed", "", "JSON file {\"Model\": [records...]} imported into empty models at start")
	fs.StringVar(&cfg.backupDir, "backup-dir", "", "enable POST /_relstore/backup, writing checkpoints into subdirectories of DIR (needs --data)")
	fs.Int64Var(&cfg.recordCacheMB, "record-cache-mb", engine.DefaultRecordCacheBytes>>20, "memory the cache of decoded records of a Pebble store may hold, in MiB (0: no cache)")
	level := fs.String("log-level", "info", "log level: debug, info, warn or error")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		err := fmt.Errorf("unexpected argument %q", fs.Arg(0))
		fmt.Fprintf(stderr, "relstore serve: %v\n", err)
		return nil, err
	}
	if err := cfg.logLevel.UnmarshalText([]byte(*level)); err != nil {
		fmt.Fprintf(stderr, "relstore serve: --log-level: %v\n", err)
		return nil, err
	}
	cfg.apiRoot = "/" + strings.Trim(cfg.apiRoot, "/")
	if cfg.maxLimit < 0 || cfg.maxBody <= 0 || cfg.requestTimeout < 0 || cfg.recordCacheMB < 0 {
		err := errors.New("--max-limit, --max-body, --request-timeout and --record-cache-mb must not be negative")
		fmt.Fprintf(stderr, "relstore serve: %v\n", err)
		return nil, err
	}
	if cfg.recordCacheMB > maxRecordCacheMB {
		err := fmt.Errorf("--record-cache-mb %d is more than %d", cfg.recordCacheMB, maxRecordCacheMB)
		fmt.Fprintf(stderr, "relstore serve: %v\n", err)
		return nil, err
	}
	if err := checkBackupDir(cfg.backupDir, cfg.data); err != nil {
		fmt.Fprintf(stderr, "relstore serve: %v\n", err)
		return nil, err
	}
	return cfg, nil
}

// maxRecordCacheMB bounds --record-cache-mb (1 PiB), so that its size in
// bytes cannot overflow.
const maxRecordCacheMB = 1 << 30

// recordCacheEntries is engine.Options.RecordCacheEntries for
// --record-cache-mb: the default count, or none (-1) for 0 MiB.
func recordCacheEntries(mb int64) int {
	if mb == 0 {
		return -1
	}
	return 0
}

// checkBackupDir refuses a --backup-dir without --data (a memory store has
// nothing to checkpoint) or inside the store's directory.
func checkBackupDir(backupDir, data string) error {
	if backupDir == "" {
		return nil
	}
	if data == "" {
		return errors.New("--backup-dir needs --data: a memory store cannot be backed up")
	}
	b, err1 := filepath.Abs(backupDir)
	d, err2 := filepath.Abs(data)
	if err := errors.Join(err1, err2); err != nil {
		return err
	}
	if rel, err := filepath.Rel(d, b); err == nil && (rel == "." || !strings.HasPrefix(rel, "..")) {
		return fmt.Errorf("--backup-dir %s must not be inside the store directory %s", backupDir, data)
	}
	return nil
}

// runServe is "relstore serve": it serves until ctx is cancelled.
// serveGCPercent is the daemon's garbage-collector target unless GOGC is
// set in the environment.
const serveGCPercent = 400

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	cfg, err := parseServeFlags(args, stderr, getenv)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		return exitUsage
	}
	if getenv("GOGC") == "" {
		// A datastore keeps a large live heap (every record, decoded, on a
		// memory store): collect less often than Go's default.
		debug.SetGCPercent(serveGCPercent)
	}
	if err := serve(ctx, cfg, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "relstore serve: %v\n", err)
		return exitFailure
	}
	return exitOK
}

// serve loads the models, opens and prepares the store, listens, prints
// the "listening on" line to stdout and serves until ctx is done; then it
// shuts down cleanly and closes the store.
func serve(ctx context.Context, cfg *serveConfig, stdout, stderr io.Writer) (err error) {
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: cfg.logLevel}))
	set, err := loadModels(cfg.models, logger)
	if err != nil {
		return err
	}
	st, err := openStore(cfg.data, !cfg.sync, false)
	if err != nil {
		return err
	}
	db, err := engine.Open(st, &engine.Options{NoSync: !cfg.sync, Logger: logger, Progress: stderr,
		RecordCacheEntries: recordCacheEntries(cfg.recordCacheMB), RecordCacheBytes: cfg.recordCacheMB << 20})
	if err != nil {
		st.Close()
		return fmt.Errorf("open store: %w", err)
	}
	defer func() {
		if cerr := db.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close store: %w", cerr)
		}
	}()
	if err := db.Define(set); err != nil {
		return fmt.Errorf("define models: %w", err)
	}
	if cfg.seed != "" {
		if err := seedFile(ctx, db, cfg.seed, logger); err != nil {
			return err
		}
	}
	if cfg.backupDir != "" {
		if err := os.MkdirAll(cfg.backupDir, 0o755); err != nil {
			return fmt.Errorf("--backup-dir: %w", err)
		}
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	shutdown := make(chan struct{})
	handler := server.New(db, &server.Options{
		APIRoot:        cfg.apiRoot,
		Token:          cfg.token,
		ReadOnly:       cfg.readOnly,
		MaxLimit:       cfg.maxLimit,
		MaxBodyBytes:   cfg.maxBody,
		CORSOrigin:     cfg.cors,
		RequestTimeout: cfg.requestTimeout,
		Logger:         logger,
		Shutdown:       shutdown,
		BackupDir:      cfg.backupDir,
	})
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: readHeaderTimeout,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	fmt.Fprintf(stdout, "listening on http://%s%s\n", ln.Addr(), cfg.apiRoot)
	logger.Info("serving", "addr", ln.Addr().String(), "apiRoot", cfg.apiRoot, "data", storeName(cfg.data),
		"sync", cfg.sync, "auth", cfg.token != "", "readOnly", cfg.readOnly, "models", len(set.Order))

	select {
	case err := <-served:
		close(shutdown)
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	close(shutdown)
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		logger.Warn("shutdown did not finish in time; closing connections", "error", err)
		srv.Close()
	}
	<-served
	return nil
}
