package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

const usageText = `usage:
  relstore serve [--models DIR] [--addr HOST:PORT] [--data DIR] [flags]
  relstore check --data DIR [--repair]
  relstore backup --data DIR [--verify] OUT
  relstore export --data DIR [--models DIR] [--format relstore|lb3] [OUT|-]
  relstore import --data DIR [--models DIR] IN|-
  relstore openapi [--models DIR] [--api-root PATH] [--token-auth] [--backup]
  relstore version

Run "relstore COMMAND --help" for the flags of a command.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches a command line to its subcommand and returns the exit
// code. ctx is cancelled by SIGINT/SIGTERM.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usageText)
		return exitUsage
	}
	switch args[0] {
	case "serve":
		return runServe(ctx, args[1:], stdout, stderr, os.Getenv)
	case "check":
		return runCheck(ctx, args[1:], stdout, stderr)
	case "openapi":
		return runOpenAPI(args[1:], stdout, stderr)
	case "export":
		return runExport(ctx, args[1:], stdout, stderr)
	case "import":
		return runImport(ctx, args[1:], os.Stdin, stderr)
	case "backup":
		return runBackup(ctx, args[1:], stdout, stderr)
	case "version", "--version", "-version":
		return runVersion(stdout)
	case "help", "--help", "-help", "-h":
		fmt.Fprint(stdout, usageText)
		return exitOK
	}
	fmt.Fprintf(stderr, "relstore: unknown command %q\n%s", args[0], usageText)
	return exitUsage
}
