// Package relstorepeer implements the workload's relstore systems:
//
//   - relstore-memory: the engine on storage.NewMemory();
//   - relstore-pebble: the engine on Pebble in a temporary directory with
//     the daemon's durability: every committed write is synced before it is
//     acknowledged, concurrent writers sharing fsyncs (group commit); it
//     claims durability and so runs Q8;
//   - relstore-pebble-nosync: the same store with Pebble's NoSync mode (and
//     the engine's NoSync option), durable against nothing.
//
// The models are defined from LoopBack 3 JSON (Customer, Order, OrderItem
// with explicit numeric ids and the spec's relations); the engine indexes
// the foreign keys of the relations itself. The primary variant of every
// query goes through the engine's public API the way an application would
// call it (related accessors, Find with include, PatchByID) — reads in a
// read-only transaction that shares the stored records (Tx.ShareRecords),
// as the daemon reads them — and the tally
// walks the returned records (map[string]any, numbers float64, dates
// time.Time) under the relation names the op included. Alternate lines
// ("…/structs") run Q1–Q6 through the typed face, package relstore
// (Repo[T], BelongsTo, HasMany), into structs as the SQLite peer's.
package relstorepeer
