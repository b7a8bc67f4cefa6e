// Package fuzz holds relstore's reliability tests: fuzz targets for the
// key codec, both filter wire forms, the model-definition loader, record
// storage and the HTTP API; a crash-recovery test that kills a writer
// process with SIGKILL and verifies the reopened store; a concurrency
// stress test; a model-based test against a naive in-memory reference; and
// hostile-input tests of the REST server. The README's "Reliability"
// section states each guarantee and names the test that backs it.
//
// The package has no non-test code besides this file. Quick runs:
//
//	go test ./fuzz                                  # seeds, CI sizes
//	go test ./fuzz -run TestCrash -v                # crash recovery, 20 cycles
//	RELSTORE_CRASH_CYCLES=1000 go test ./fuzz -run TestCrashRecovery -timeout 0 -v
//	RELSTORE_SEED=12345 go test ./fuzz -run TestModelBased -v
//	go test ./fuzz -run '^$' -fuzz '^FuzzHTTP$' -fuzztime 1h
//
// See the README's "Reliability" section for every knob.
package fuzz
