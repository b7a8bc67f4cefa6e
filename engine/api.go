package engine

// This file lists the engine's public operations. Every operation is safe for
// concurrent use. Records are map[string]any with values normalized by
// declared type: numbers float64, dates time.Time (UTC), buffers []byte,
// objects map[string]any, arrays []any, null nil. Records returned to callers
// are fresh top-level maps owned by the caller, with hidden properties
// removed (and protected ones removed inside included relations), as
// LoopBack's toJSON. Their nested values (objects, arrays, buffers) are
// shared with the store and read-only: copy one before changing it. A
// caller that only reads what it gets (encoding JSON, decoding structs) can
// skip the top-level copy too: Tx.ShareRecords makes a transaction return
// the stored record maps themselves, read-only.
//
// Filters and wheres are LoopBack filter objects as decoded from JSON
// (map[string]any); nil means none. Bad filters return a *filter.Error
// (HTTP 400). Invalid data returns a *ValidationError (HTTP 422). Other
// client mistakes return an *Error carrying a status and a stable code.
//
//   Create(ctx, model, data)                 → record
//   CreateMany(ctx, model, []data)           → []record (all or nothing)
//   FindByID(ctx, model, id, filter)         → record | ErrNotFound
//   Exists(ctx, model, id)                   → bool
//   ReplaceByID(ctx, model, id, data)        → record | ErrNotFound
//   ReplaceOrCreate(ctx, model, data)        → record
//   PatchByID(ctx, model, id, data)          → record | ErrNotFound
//   Upsert(ctx, model, data)                 → record (patchOrCreate)
//   DeleteByID(ctx, model, id)               → count (0 or 1)
//   Find(ctx, model, filter)                 → []record
//   FindOne(ctx, model, filter)              → record | ErrNotFound
//   Count(ctx, model, where)                 → n
//   UpdateAll(ctx, model, where, data)       → n
//   DeleteAll(ctx, model, where)             → n
//   UpsertWithWhere(ctx, model, where, data) → record
//   FindOrCreate(ctx, model, filter, data)   → record, created
//   Explain(model, filter)                   → *Plan
//   Update(ctx, fn(*Tx) error) / View(ctx, fn(*Tx) error)
//
// A Tx has the same operations without the ctx argument's transaction
// boundary: everything done through one Tx commits atomically.
