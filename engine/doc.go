// Package engine is relstore's database: LoopBack models stored as records
// in an ordered key-value store (package storage), with secondary and
// foreign-key indexes (package index) kept in the same atomic batches as
// their records, queried with LoopBack filters (package filter), and
// relations walked through those indexes.
//
// # Model of operation
//
// A DB has one writer at a time and any number of readers. A write
// transaction (DB.Update, or each single operation such as DB.Create) reads
// its own writes through a storage.Overlay and its own copy-on-write copies
// of the index B-trees; Commit applies every record and index change in one
// storage batch, publishes the new B-trees, and then waits for the WAL sync
// outside the writer lock, so that concurrent writers share fsyncs. A read
// transaction (DB.View, or each read operation) sees one storage snapshot
// and the B-trees published with it, and never blocks writers. Read
// transactions that begin between the same two commits share that snapshot
// and, on Pebble, reuse each other's record iterators (snapshot.go,
// pebbleread.go); a full scan on Pebble tests its where clause on the
// properties it reads before decoding a whole record (prefilter.go).
//
// The persisted index entries are the truth; the in-memory B-trees are a
// cache loaded from them at Open. On a memory store the engine keeps every
// record decoded, and only there (storage holds no encoded copy), in
// copy-on-write B-trees published with each state (memrecords.go), plus a
// hash of the latest state's records by primary key that answers point
// reads — belongsTo lookups and the records an index walk finds — with a
// probe instead of a B-tree descent. A commit made while no read
// transaction is open writes its few records into the current record trees
// instead of copies of their paths. DB.Check verifies that records,
// persisted entries and caches agree and that unique indexes hold.
//
// # LoopBack semantics
//
// Records follow loopback-datasource-juggler's memory connector: the id
// counter, type coercion, defaults, strict modes, hidden and protected
// properties, default and named scopes, relation accessors and include
// shapes. Where LoopBack crashes or silently stores garbage, relstore
// answers a clear error instead; docs/compat.md lists every such difference.
//
// # Caveats
//
// Records returned to callers are fresh top-level maps owned by the caller;
// their nested objects, arrays and buffers are shared with the store and
// must not be modified in place. A Tx is not safe for concurrent use; a DB
// is.
package engine
