// Package storage is relstore's ordered key-value layer: the Engine
// interface and its implementations.
//
//   - Memory (NewMemory) keeps everything in a copy-on-write B-tree. It is
//     for tests, caches and ephemeral stores; nothing is persisted.
//   - Pebble (OpenPebble) stores data in a github.com/cockroachdb/pebble/v2
//     database, with group-committed WAL syncs.
//   - Overlay (NewOverlay) is not an engine but an indexed write batch over
//     any Reader: transactions record their writes in it, read their own
//     writes through it, and finally hand Overlay.Batch to Engine.Apply.
//
// Keys are arbitrary byte strings ordered by bytes.Compare; relstore builds
// them with internal/keyenc so that this order is the order of the encoded
// values. Iterator bounds follow Pebble: Lower is inclusive, Upper is
// exclusive, nil is unbounded.
//
// # Ownership
//
// Get always returns a fresh copy owned by the caller. Iterator.Key and
// Iterator.Value return slices owned by the iterator that stay valid only
// until the iterator moves and must not be modified. Batch and Overlay keep
// the key and value slices they are given without copying, so the caller
// must not modify them afterwards.
//
// # Concurrency
//
// Engines and Snapshots are safe for concurrent use. Iterators, Batches and
// Overlays are not. An Iterator reads a consistent view: writes applied
// after it was created are never visible through it.
//
// # Conformance
//
// Every Reader implementation is checked by the same test suite
// (storagetest_test.go): bounds, directions, SeekGE, atomic batches,
// snapshots, closed errors, concurrency under -race, and a randomized
// differential test against a sorted-map model.
package storage
