//go:build !relstore_engine

package main

import "github.com/relstore/relstore/bench/workload"

// relstoreSystems returns no systems: this build leaves relstore out (build
// with -tags relstore_engine while the engine is still being written).
func relstoreSystems() map[string]workload.System { return nil }
