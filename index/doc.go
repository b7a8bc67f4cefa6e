// Package index computes the secondary-index entries of records and keeps
// their in-memory B-tree caches.
//
// An index entry is an order-preserving byte string (package keyenc) of the
// indexed values followed by the record's primary key, so that comparing
// entries with bytes.Compare orders them by value, then by primary key, and
// a lookup by value is a prefix scan. Entries are persisted by the engine
// in the same batch as their record; a Tree caches exactly those bytes.
package index
