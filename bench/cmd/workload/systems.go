package main

import (
	"github.com/relstore/relstore/bench/sqlitepeer"
	"github.com/relstore/relstore/bench/workload"
)

// registry returns every system the runner knows, by name. Relstore systems
// are added by relstoreSystems (relstore.go).
func registry() map[string]workload.System {
	r := map[string]workload.System{}
	for name, s := range sqlitepeer.Systems() {
		r[name] = s
	}
	for name, s := range relstoreSystems() {
		r[name] = s
	}
	return r
}
