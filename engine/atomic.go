package engine

import (
	"errors"
	"fmt"
)

// Every write operation of a Tx is atomic within the transaction: when an
// operation that has already written (a cascade, a multi-record update, a
// through create whose link fails) returns an error, the transaction is
// marked aborted and Commit refuses it with ErrTxAborted, so a caller who
// goes on after the error can never commit half of an operation. An
// operation that fails before writing anything (a validation error, a
// unique violation, a not-found) leaves the transaction usable.

// ErrTxAborted is returned by Commit when an operation of the transaction
// failed after writing part of its changes.
var ErrTxAborted = errors.New("relstore: transaction aborted")

// abortIfPartial aborts the transaction when an operation that started at
// write count n failed after writing.
func (tx *Tx) abortIfPartial(n int, err error) {
	if err != nil && tx.nwrites != n && tx.aborted == nil {
		tx.aborted = fmt.Errorf("%w: an operation failed after writing: %v", ErrTxAborted, err)
	}
}

// Create validates data and stores a new record of model, returning it.
// The id counter of the model advances for every create that passes
// validation (a duplicate id included), as LoopBack's memory connector.
// Errors: *ValidationError (422), ErrDuplicateID / ErrUniqueViolation as
// *Error (409), ErrUnknownModel.
func (tx *Tx) Create(model string, data map[string]any) (map[string]any, error) {
	n := tx.nwrites
	r0, err := tx.createOp(model, data)
	tx.abortIfPartial(n, err)
	return r0, err
}

// PatchByID merges data into the record with id (LoopBack's
// patchAttributes) and validates the merged instance. Not found: *Error 404
// MODEL_NOT_FOUND "could not find a model with id X".
func (tx *Tx) PatchByID(model string, id any, data map[string]any) (map[string]any, error) {
	n := tx.nwrites
	r0, err := tx.patchByIDOp(model, id, data)
	tx.abortIfPartial(n, err)
	return r0, err
}

// ReplaceByID replaces the record with id by data (defaults re-applied;
// "now" and generated-id defaults keep their stored values). Not found:
// *Error 404 "Could not replace. Object with id X does not exist!".
func (tx *Tx) ReplaceByID(model string, id any, data map[string]any) (map[string]any, error) {
	n := tx.nwrites
	r0, err := tx.replaceByIDOp(model, id, data)
	tx.abortIfPartial(n, err)
	return r0, err
}

// ReplaceOrCreate replaces the record whose id data carries, or creates one
// when data has no id. An id that does not exist is a 404 when the model
// forces ids (LoopBack: "Could not replace. Object with id X does not
// exist!"), a create otherwise.
func (tx *Tx) ReplaceOrCreate(model string, data map[string]any) (map[string]any, error) {
	n := tx.nwrites
	r0, err := tx.replaceOrCreateOp(model, data)
	tx.abortIfPartial(n, err)
	return r0, err
}

// Upsert patches the record whose id data carries (LoopBack's
// patchOrCreate), or creates one. An unknown id on a model that forces ids
// is a 404 "Could not update attributes. Object with id X does not exist!".
func (tx *Tx) Upsert(model string, data map[string]any) (map[string]any, error) {
	n := tx.nwrites
	r0, err := tx.upsertOp(model, data)
	tx.abortIfPartial(n, err)
	return r0, err
}

// DeleteByID deletes the record with id, returning 1, or 0 when there was
// none (LoopBack answers {"count": 0}, not a 404).
func (tx *Tx) DeleteByID(model string, id any) (int, error) {
	n := tx.nwrites
	r0, err := tx.deleteByIDOp(model, id)
	tx.abortIfPartial(n, err)
	return r0, err
}

// UpdateAll patches every record matching where (and the default scope)
// with data, returning how many. Data is coerced and each patched property
// validated (LoopBack validates nothing here).
func (tx *Tx) UpdateAll(model string, where, data map[string]any) (int, error) {
	n := tx.nwrites
	r0, err := tx.updateAllOp(model, where, data)
	tx.abortIfPartial(n, err)
	return r0, err
}

// DeleteAll deletes every record matching where (and the default scope),
// returning how many.
func (tx *Tx) DeleteAll(model string, where map[string]any) (int, error) {
	n := tx.nwrites
	r0, err := tx.deleteAllOp(model, where)
	tx.abortIfPartial(n, err)
	return r0, err
}

// UpsertWithWhere patches the one record matching where, or creates one
// from data when none matches; several matches are a 400. As LoopBack does,
// the body alone is validated as a complete instance on the update path, and
// no defaults are applied on the create path.
func (tx *Tx) UpsertWithWhere(model string, where, data map[string]any) (map[string]any, error) {
	n := tx.nwrites
	r0, err := tx.upsertWithWhereOp(model, where, data)
	tx.abortIfPartial(n, err)
	return r0, err
}

// FindOrCreate returns the first record matching the filter, or creates one
// from data; created reports which.
func (tx *Tx) FindOrCreate(model string, f, data map[string]any) (map[string]any, bool, error) {
	n := tx.nwrites
	r0, r1, err := tx.findOrCreateOp(model, f, data)
	tx.abortIfPartial(n, err)
	return r0, r1, err
}

// RelatedCreate creates related records (data is an object or an array of
// objects) with the parent's key forced onto them (LoopBack overwrites a
// conflicting foreign key in the body). For a through relation it creates
// the target and its link; a second hasOne target is a 409
// RELATION_EXISTS; embedsOne replaces the embedded value and embedsMany
// appends an item (numbered past the largest id when it has none). A
// belongsTo has no create (400 UNSUPPORTED_RELATION).
func (tx *Tx) RelatedCreate(model string, id any, relName string, data any) (any, error) {
	n := tx.nwrites
	r0, err := tx.relatedCreateOp(model, id, relName, data)
	tx.abortIfPartial(n, err)
	return r0, err
}

// RelatedDeleteAll deletes every related record of a parent (for a through
// relation: its through rows only, as LoopBack), returning how many.
func (tx *Tx) RelatedDeleteAll(model string, id any, relName string) (int, error) {
	n := tx.nwrites
	r0, err := tx.relatedDeleteAllOp(model, id, relName)
	tx.abortIfPartial(n, err)
	return r0, err
}

// RelatedUpdateByID patches one related record. Changing the foreign key
// through the relation is a 400 FOREIGN_KEY_IMMUTABLE (LoopBack: 500).
func (tx *Tx) RelatedUpdateByID(model string, id any, relName string, fk any, data map[string]any) (map[string]any, error) {
	n := tx.nwrites
	r0, err := tx.relatedUpdateByIDOp(model, id, relName, fk, data)
	tx.abortIfPartial(n, err)
	return r0, err
}

// RelatedDestroyByID deletes one related record (through: its links and
// the target; referencesMany: removes the id and deletes the target).
func (tx *Tx) RelatedDestroyByID(model string, id any, relName string, fk any) error {
	n := tx.nwrites
	err := tx.relatedDestroyByIDOp(model, id, relName, fk)
	tx.abortIfPartial(n, err)
	return err
}

// RelatedUpdate patches the single target of a to-one relation: a hasOne
// target, an embedsOne value (merged), or the target of a belongsTo (whose
// key cannot change through the relation). No target: 404 (LoopBack: 500).
// To-many relations have no such accessor: 400 UNSUPPORTED_RELATION.
func (tx *Tx) RelatedUpdate(model string, id any, relName string, data map[string]any) (map[string]any, error) {
	n := tx.nwrites
	r0, err := tx.relatedUpdateOp(model, id, relName, data)
	tx.abortIfPartial(n, err)
	return r0, err
}

// RelatedDestroy removes the single target of a to-one relation: it
// deletes a hasOne target, unsets an embedsOne value, and for a belongsTo
// clears the parent's foreign key (and discriminator) without deleting the
// target, as LoopBack's BelongsTo.destroy does. No target: 404 (LoopBack:
// 500). To-many relations: 400 UNSUPPORTED_RELATION.
func (tx *Tx) RelatedDestroy(model string, id any, relName string) error {
	n := tx.nwrites
	err := tx.relatedDestroyOp(model, id, relName)
	tx.abortIfPartial(n, err)
	return err
}

// Link links a target to the parent: for a through relation it returns the
// existing through row, or creates one from data (LoopBack does not check
// that the target exists unless the through model's belongsTo is strict);
// for referencesMany it appends the id (a missing target answers nil; a
// duplicate is a 422).
func (tx *Tx) Link(model string, id any, relName string, fk any, data map[string]any) (any, error) {
	n := tx.nwrites
	r0, err := tx.linkOp(model, id, relName, fk, data)
	tx.abortIfPartial(n, err)
	return r0, err
}

// Unlink removes the links between the parent and a target (all duplicate
// through rows); unlinking what is not linked is not an error.
func (tx *Tx) Unlink(model string, id any, relName string, fk any) error {
	n := tx.nwrites
	err := tx.unlinkOp(model, id, relName, fk)
	tx.abortIfPartial(n, err)
	return err
}
