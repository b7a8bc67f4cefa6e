// Package hotpath holds Go benchmarks (go test -bench) of relstore's hot
// paths, so that a regression shows in benchstat:
//
//   - key codec: encoding and decoding order-preserving keys (keyenc);
//   - index lookups: a point lookup, the entries of one key and a range on
//     the in-memory index tree (index.Tree), over the workload's
//     Order.customerId index;
//   - engine paths (file engine_bench_test.go): FindByID (record read and
//     decode), a foreign-key lookup, one include level and a point update,
//     on a memory store loaded with the workload at BenchScale;
//   - record codec (codec_bench_test.go): encoding and decoding stored
//     records of the workload's shapes;
//   - bulk load (load_bench_test.go): W1 at a small scale on a memory store
//     and on Pebble without sync, in rows/s.
//
// Each benchmark is also correct at -benchtime=1x, with fixtures small
// enough for CI (well under a second of setup):
//
//	go test -run '^$' -bench . -benchtime=1x ./bench/hotpath/
//	go test -run '^$' -bench . -count 10 ./bench/hotpath/ > new.txt  # then benchstat old.txt new.txt
//
// The package has no non-test code besides this comment.
package hotpath
