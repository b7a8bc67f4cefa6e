package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// version is the release version, set at build time with
// -ldflags "-X main.version=v1.2.3"; otherwise the module version from
// the build info, or "devel".
var version = ""

// versionString returns "relstore VERSION (GOVERSION)".
func versionString() string {
	v := version
	if v == "" {
		v = "devel"
		if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
	}
	return fmt.Sprintf("relstore %s (%s)", v, runtime.Version())
}

// runVersion is "relstore version".
func runVersion(stdout io.Writer) int {
	fmt.Fprintln(stdout, versionString())
	return exitOK
}
