package relstore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/relstore/relstore"
	"github.com/relstore/relstore/engine"
	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/schema"
)

func TestErrors_AreTheEngineSentinels(t *testing.T) {
	pairs := []struct{ ours, theirs error }{
		{relstore.ErrNotFound, engine.ErrNotFound},
		{relstore.ErrDuplicateID, engine.ErrDuplicateID},
		{relstore.ErrUniqueViolation, engine.ErrUniqueViolation},
		{relstore.ErrForeignKey, engine.ErrForeignKey},
		{relstore.ErrDeleteRestricted, engine.ErrDeleteRestricted},
		{relstore.ErrUnknownModel, engine.ErrUnknownModel},
		{relstore.ErrClosed, engine.ErrClosed},
		{relstore.ErrIncompatibleSchema, engine.ErrIncompatibleSchema},
		{relstore.ErrTxDone, engine.ErrTxDone},
		{relstore.ErrReadOnly, engine.ErrReadOnly},
		{relstore.ErrBadRequest, engine.ErrBadRequest},
		{relstore.ErrConflict, engine.ErrConflict},
		{relstore.ErrInvalidFilter, filter.ErrInvalidFilter},
		{relstore.ErrInvalidDefinition, schema.ErrInvalidDefinition},
		{relstore.ErrUndefinedModel, schema.ErrUndefinedModel},
	}
	for _, p := range pairs {
		require.True(t, errors.Is(p.theirs, p.ours), p.ours.Error())
	}
}

// Guardian's wards restrict its deletion.
type Guardian struct {
	ID    int    `json:"id" relstore:"id,generated"`
	Wards []Ward `json:"wards,omitempty" relstore:"hasMany,onDelete=restrict"`
}

type Ward struct {
	ID         int `json:"id" relstore:"id,generated"`
	GuardianID int `json:"guardianId" relstore:"belongsTo=Guardian"`
}

func TestErrors_DeleteRestricted(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB) *relstore.DB) {
		db := open(t)
		require.NoError(t, relstore.Define[Guardian](db))
		require.NoError(t, relstore.Define[Ward](db))
		ctx := context.Background()
		guardians, wards := relstore.NewRepo[Guardian](db), relstore.NewRepo[Ward](db)
		g := &Guardian{}
		require.NoError(t, guardians.Create(ctx, g))
		require.NoError(t, wards.Create(ctx, &Ward{GuardianID: g.ID}))

		err := guardians.DeleteByID(ctx, g.ID)
		require.ErrorIs(t, err, relstore.ErrDeleteRestricted)
		var rerr *relstore.Error
		require.ErrorAs(t, err, &rerr)
		require.Equal(t, 409, rerr.Status)

		_, err = wards.DeleteAll(ctx, nil)
		require.NoError(t, err)
		require.NoError(t, guardians.DeleteByID(ctx, g.ID))
	})
}
