package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/relstore/relstore/engine"
)

// runCheck is "relstore check --data DIR": it opens the store read-only,
// runs engine.DB.Check and prints the report. Exit 0 when the store is
// consistent, 1 when it has faults or cannot be read, 2 on a usage error.
func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("relstore check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "", "Pebble store directory to check (required)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if *data == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: relstore check --data DIR")
		return exitUsage
	}
	rep, err := check(ctx, *data)
	if err != nil {
		fmt.Fprintf(stderr, "relstore check: %v\n", err)
		return exitFailure
	}
	fmt.Fprintln(stdout, rep.String())
	if !rep.OK() {
		return exitFailure
	}
	return exitOK
}

// check opens the store in dir read-only and checks it.
func check(ctx context.Context, dir string) (*engine.CheckReport, error) {
	st, err := openStore(dir, true, true)
	if err != nil {
		return nil, err
	}
	db, err := engine.Open(st, nil)
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	defer db.Close()
	return db.Check(ctx)
}
