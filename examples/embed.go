// Package examples ships relstore's example application: a small shop of
// LoopBack 3 model definitions (Customer, Order, Product and OrderItem,
// with belongsTo, hasMany, hasManyThrough relations and named scopes) and
// seed data for it. `relstore serve` without --models serves these models.
package examples

import "embed"

// Models holds the example model definitions as models/*.json (LB3
// common/models files), in the order they are attached. Load them with
// schema.NewLoader(nil).AddFS(examples.Models, "models").
//
//go:embed models/*.json
var Models embed.FS

// Seed is example data for Models: a JSON object mapping model names to
// arrays of records, in the shape `relstore serve --seed` imports.
//
//go:embed seed.json
var Seed []byte
