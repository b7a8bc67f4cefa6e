package engine

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/relstore/relstore/storage"
)

func TestDump_ImportScanRawCounters(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB) storage.Engine) {
		db := openDB(t, open(t), `{"name": "Login", "base": "PersistedModel", "hidden": ["password"],
		  "scope": {"where": {"active": true}},
		  "properties": {"email": {"type": "string", "required": true}, "password": "string",
		    "active": {"type": "boolean", "default": true}}}`)
		err := db.Update(ctx, func(tx *Tx) error {
			// forceId models keep the imported ids; no default, no scope value.
			require.NoError(t, tx.Import("Login", obj(t, `{"id": 7, "email": "a@x", "password": "pw", "active": false}`)))
			require.NoError(t, tx.Import("Login", obj(t, `{"id": "3", "email": "b@x"}`)))
			require.NoError(t, tx.Import("Login", obj(t, `{"email": "c@x"}`)), "a missing id is generated")
			var verr *ValidationError
			require.ErrorAs(t, tx.Import("Login", obj(t, `{"id": 9}`)), &verr, "required still holds")
			require.ErrorIs(t, tx.Import("Login", obj(t, `{"id": 7, "email": "dup"}`)), ErrDuplicateID)
			c, err := tx.IDCounter("Login")
			require.NoError(t, err)
			require.Equal(t, 8.0, c)
			return nil
		})
		require.NoError(t, err)
		var raw []map[string]any
		require.NoError(t, db.View(ctx, func(tx *Tx) error {
			return tx.ScanRaw("Login", func(rec map[string]any) error {
				raw = append(raw, copyRecord(rec))
				return nil
			})
		}))
		require.Len(t, raw, 3, "the scope does not hide inactive records from a raw scan")
		require.Equal(t, "pw", raw[1]["password"], "hidden properties are in the raw records")
		require.NotContains(t, raw[0], "active", "no default was applied")
		// The counter can move up, never below a stored generated id.
		require.NoError(t, db.Update(ctx, func(tx *Tx) error { return tx.SetIDCounter("Login", 20) }))
		r, err := db.Create(ctx, "Login", obj(t, `{"email": "d@x"}`))
		require.NoError(t, err)
		require.Equal(t, 21.0, r["id"])
		err = db.Update(ctx, func(tx *Tx) error { return tx.SetIDCounter("Login", 5) })
		require.ErrorIs(t, err, ErrConflict)
		mustCheck(t, db)
	})
}
