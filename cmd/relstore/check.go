package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/relstore/relstore/engine"
)

// runCheck is "relstore check --data DIR [--repair]": it opens the store,
// runs engine.DB.Check and prints the report. Without --repair the store
// is opened read-only. With --repair a store with faults is repaired
// (engine.DB.Repair: every index rebuilt from the records in one atomic
// batch) and checked again. Exit 0 when the store is (now) consistent, 1
// when it has faults or cannot be read or repaired, 2 on a usage error.
func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("relstore check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "", "Pebble store directory to check (required)")
	repair := fs.Bool("repair", false, "rebuild the indexes of a store with faults, then check again")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if *data == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: relstore check --data DIR [--repair]")
		return exitUsage
	}
	rep, err := check(ctx, *data, *repair, stdout)
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

// check opens the store in dir (read-only unless repair) and checks it.
// With repair, a store with faults is repaired: the first report goes to
// out and the report of the check after the repair is returned.
func check(ctx context.Context, dir string, repair bool, out io.Writer) (*engine.CheckReport, error) {
	mode := storeReadOnly
	if repair {
		mode = storeWrite
	}
	db, err := openDB(dir, mode, nil)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rep, err := db.Check(ctx)
	if err != nil || rep.OK() || !repair {
		return rep, err
	}
	fmt.Fprintln(out, rep.String())
	fmt.Fprintln(out, "repairing: rebuilding every index from the records")
	if err := db.Repair(ctx); err != nil {
		return nil, fmt.Errorf("repair: %w", err)
	}
	return db.Check(ctx)
}
