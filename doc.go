// Package relstore is a datastore engine that gives Go programs LoopBack's
// model, relation and filter semantics natively.
package relstore
