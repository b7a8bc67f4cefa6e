package engine

import (
	"fmt"

	"github.com/relstore/relstore/schema"
)

// Raw access for dumps and restores (relstore export/import, backups):
// records as stored, hidden properties included, no scopes, no defaults.

// ScanRaw calls fn for every stored record of model in primary-key order,
// with every stored property (hidden ones included), ignoring the default
// scope and applying no defaults on read, until fn returns an error, which
// ScanRaw returns. The records passed to fn are shared: fn must not modify
// them or keep them past the call (copy what it keeps).
func (tx *Tx) ScanRaw(model string, fn func(rec map[string]any) error) error {
	if err := tx.checkOpen(); err != nil {
		return err
	}
	ms, err := tx.model(model)
	if err != nil {
		return err
	}
	return tx.scanRecords(ms, false, func(_ []byte, rec map[string]any) (bool, error) {
		if err := fn(rec); err != nil {
			return false, err
		}
		return true, nil
	})
}

// Import stores rec as given, for restoring a dump: the id is kept (even on
// a model that forces generated ids), values are coerced to their declared
// types (a value that cannot be is a *ValidationError), the strict mode
// applies and required and jsonSchema constraints are checked, but no
// default or default-scope value is applied. The id counter moves past a
// numeric id; a record without an id gets the next one, as on create. A
// record whose id exists is refused (ErrDuplicateID as an *Error).
func (tx *Tx) Import(model string, rec map[string]any) error {
	n := tx.nwrites
	err := tx.importOp(model, rec)
	tx.abortIfPartial(n, err)
	return err
}

func (tx *Tx) importOp(model string, data map[string]any) error {
	if err := tx.checkWrite(); err != nil {
		return err
	}
	ms, err := tx.model(model)
	if err != nil {
		return err
	}
	verr := &ValidationError{Model: ms.m.Name}
	rec := tx.coerceInput(ms, data, verr)
	validate(verr, ms, rec, data, false)
	if !verr.Empty() {
		return verr
	}
	ids, ok := ms.idOf(rec)
	if !ok && len(ms.idProps) == 1 {
		// No id: generate one as a create does.
		c := tx.counter(ms.m.Name) + 1
		switch ms.idProps[0].Type.Kind {
		case schema.KindNumber:
			rec[ms.idProps[0].Name] = c
		case schema.KindString, schema.KindAny:
			rec[ms.idProps[0].Name] = formatNumber(c)
		}
		tx.setCounter(ms.m.Name, c)
		ids, ok = ms.idOf(rec)
	}
	if !ok {
		return Errorf(ErrBadRequest, 400, "ID_REQUIRED", "an imported %s record has no id", ms.m.Name)
	}
	pk, err := encodePK(ids)
	if err != nil {
		return err
	}
	old, err := tx.newRecordAbsent(ms, pk, ids[0])
	if err != nil {
		return err
	}
	if old != nil {
		return &Error{Kind: ErrDuplicateID, Status: 409, Code: "DUPLICATE_ID",
			Message: fmt.Sprintf("Duplicate entry for %s.%s", ms.m.Name, ms.idProps[0].Name)}
	}
	if f, ok := ids[0].(float64); ok && f > tx.counter(ms.m.Name) {
		tx.setCounter(ms.m.Name, f)
	}
	if err := tx.writeRecord(ms, pk, nil, rec); err != nil {
		return err
	}
	tx.recordWrite(ms, "create", ids[0], rec)
	return nil
}

// IDCounter returns the id counter of model: the last id the store
// generated or saw (the next generated id is counter + 1).
func (tx *Tx) IDCounter(model string) (float64, error) {
	if err := tx.checkOpen(); err != nil {
		return 0, err
	}
	if _, err := tx.model(model); err != nil {
		return 0, err
	}
	return tx.counter(model), nil
}

// SetIDCounter sets the id counter of model (restoring a dump whose last
// records were deleted). A counter below a stored generated id is refused.
func (tx *Tx) SetIDCounter(model string, c float64) error {
	if err := tx.checkWrite(); err != nil {
		return err
	}
	ms, err := tx.model(model)
	if err != nil {
		return err
	}
	if c < 0 || c != float64(int64(c)) {
		return Errorf(ErrBadRequest, 400, "INVALID_VALUE", "id counter %v of %s is not a whole number >= 0", c, model)
	}
	var max float64
	err = tx.scanRecords(ms, true, func(_ []byte, rec map[string]any) (bool, error) {
		if f, ok := rec[ms.idProps[0].Name].(float64); ok {
			max = f
		}
		return false, nil
	})
	if err != nil {
		return err
	}
	if len(ms.idProps) == 1 && ms.idProps[0].Generated && c < max {
		return Errorf(ErrConflict, 409, "COUNTER_BELOW_ID", "id counter %v of %s is below its stored id %v", c, model, max)
	}
	tx.setCounter(model, c)
	return nil
}
