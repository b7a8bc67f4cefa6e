package main

import (
	"github.com/relstore/relstore/bench/relstorepeer"
	"github.com/relstore/relstore/bench/workload"
)

// relstoreSystems returns the relstore systems.
func relstoreSystems() map[string]workload.System {
	r := map[string]workload.System{}
	for name, s := range relstorepeer.Systems() {
		r[name] = s
	}
	return r
}
