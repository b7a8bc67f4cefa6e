package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/relstore/relstore/server"
)

// runOpenAPI is "relstore openapi [--models DIR] [--api-root PATH]
// [--token-auth] [--backup]": it prints the OpenAPI 3 document the daemon
// would serve at GET /openapi.json for those models. Exit 0, 1 when the
// models do not load, 2 on a usage error.
func runOpenAPI(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("relstore openapi", flag.ContinueOnError)
	fs.SetOutput(stderr)
	models := fs.String("models", "", "directory of LB3 model definitions (*.json); default: the embedded example shop")
	apiRoot := fs.String("api-root", server.DefaultAPIRoot, "path the REST API is mounted at")
	tokenAuth := fs.Bool("token-auth", false, "document the bearer token a daemon started with --token requires")
	backup := fs.Bool("backup", false, "document POST /_relstore/backup (a daemon started with --backup-dir)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: relstore openapi [--models DIR] [--api-root PATH] [--token-auth] [--backup]")
		return exitUsage
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	set, err := loadModels(*models, logger)
	if err != nil {
		fmt.Fprintf(stderr, "relstore openapi: %v\n", err)
		return exitFailure
	}
	opts := &server.Options{APIRoot: "/" + strings.Trim(*apiRoot, "/")}
	if *tokenAuth {
		opts.Token = "documented" // only its presence matters to the document
	}
	if *backup {
		opts.BackupDir = "documented"
	}
	doc, err := server.OpenAPI(set, opts)
	if err != nil {
		fmt.Fprintf(stderr, "relstore openapi: %v\n", err)
		return exitFailure
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		fmt.Fprintf(stderr, "relstore openapi: %v\n", err)
		return exitFailure
	}
	if _, err := fmt.Fprintf(stdout, "%s\n", out); err != nil {
		fmt.Fprintf(stderr, "relstore openapi: %v\n", err)
		return exitFailure
	}
	return exitOK
}
