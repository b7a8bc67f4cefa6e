package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/relstore/relstore/storage"
)

// runBackup is "relstore backup --data DIR [--verify] OUT": it opens the
// stopped store in DIR (at its own Pebble format: the backup upgrades
// nothing; a directory without a store is refused), writes a Pebble
// checkpoint of it into
// the new directory OUT (hard-linking the store's files where it can) and
// closes it. The copy is a store like any other (relstore serve --data
// OUT). With --verify the copy is then checked (engine.DB.Check).
//
// A running daemon holds the store's lock, so the store cannot be opened
// here: back up a running store through the daemon instead, started with
// --backup-dir DIR, with POST /_relstore/backup {"name": "NAME"}.
//
// Exit 0, 1 when the backup (or its check) fails, 2 on a usage error.
func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("relstore backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "", "Pebble store directory to back up (required; the store must not be in use)")
	verify := fs.Bool("verify", false, "check the copy's records and indexes once written")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if *data == "" || fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: relstore backup --data DIR [--verify] OUT")
		return exitUsage
	}
	out := fs.Arg(0)
	start := time.Now()
	if err := backup(*data, out); err != nil {
		fmt.Fprintf(stderr, "relstore backup: %v\n", err)
		return exitFailure
	}
	fmt.Fprintf(stderr, "relstore backup: %s written to %s in %v\n", *data, out, time.Since(start).Round(time.Millisecond))
	if *verify {
		rep, err := check(ctx, out, false, stdout)
		if err != nil {
			fmt.Fprintf(stderr, "relstore backup: verify: %v\n", err)
			return exitFailure
		}
		fmt.Fprintln(stdout, rep.String())
		if !rep.OK() {
			return exitFailure
		}
	}
	return exitOK
}

// backup writes a checkpoint of the store in dir into out, which must not
// exist.
func backup(dir, out string) error {
	if _, err := os.Lstat(out); err == nil {
		return fmt.Errorf("%s already exists", out)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if _, err := os.Stat(dir); err != nil {
		return fmt.Errorf("open store %s: %w", dir, err)
	}
	// Read-write: Pebble cannot checkpoint a store opened read-only (it
	// looks for an OPTIONS file it did not write). Nothing is written but
	// what opening a store writes: the store keeps its format (a writable
	// open would upgrade it), and a directory without a store is refused,
	// not made one.
	p, err := storage.OpenPebble(dir, &storage.PebbleOptions{KeepFormat: true, MustExist: true})
	if err != nil {
		return fmt.Errorf("open store %s: %w%s", dir, err, lockHint(err))
	}
	defer p.Close()
	if err := p.Checkpoint(out); err != nil {
		return fmt.Errorf("checkpoint into %s: %w", out, err)
	}
	return nil
}
