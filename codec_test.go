package relstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/relstore/relstore"
)

type Level string

// Gauge exercises every field kind the codec handles.
type Gauge struct {
	ID       int64              `json:"id" relstore:"id,generated"`
	I8       int8               `json:"i8"`
	I16      int16              `json:"i16"`
	I32      int32              `json:"i32"`
	U        uint               `json:"u"`
	U8       uint8              `json:"u8"`
	U16      uint16             `json:"u16"`
	U32      uint32             `json:"u32"`
	U64      uint64             `json:"u64"`
	F32      float32            `json:"f32"`
	Level    Level              `json:"level" relstore:"enum=low|high"`
	On       bool               `json:"on"`
	OnPtr    *bool              `json:"onPtr"`
	Count    *int               `json:"count"`
	At       time.Time          `json:"at"`
	AtPtr    *time.Time         `json:"atPtr"`
	Places   []Address          `json:"places"`
	PlacePtr []*Address         `json:"placePtr"`
	ByName   map[string]Address `json:"byName"`
	Grid     [][]int            `json:"grid"`
	Labels   map[string]string  `json:"labels"`
}

func TestCodec_RoundTrip(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB) *relstore.DB) {
		db := open(t)
		require.NoError(t, relstore.Define[Gauge](db))
		gauges := relstore.NewRepo[Gauge](db)
		ctx := context.Background()
		f, zero := false, 0
		at := time.Date(2024, 1, 2, 3, 4, 5, 6_000_000, time.UTC)
		in := Gauge{
			I8: -8, I16: -16, I32: -32, U: 1, U8: 8, U16: 16, U32: 32, U64: 1 << 40, F32: 1.5,
			Level: "high", On: true, OnPtr: &f, Count: &zero, At: at, AtPtr: &at,
			Places:   []Address{{Street: "a", City: "A"}, {City: "B"}},
			PlacePtr: []*Address{{City: "C"}},
			ByName:   map[string]Address{"home": {City: "H"}},
			Grid:     [][]int{{1, 2}, {3}},
			Labels:   map[string]string{"k": "v"},
		}
		g := in
		require.NoError(t, gauges.Create(ctx, &g))
		require.Equal(t, int64(1), g.ID)
		out, err := gauges.FindByID(ctx, 1, nil)
		require.NoError(t, err)
		in.ID = 1
		require.True(t, in.At.Equal(out.At))
		require.True(t, in.AtPtr.Equal(*out.AtPtr))
		in.At, in.AtPtr, out.At, out.AtPtr = time.Time{}, nil, time.Time{}, nil
		require.Equal(t, in, *out)

		// Pointers to zero values are stored; nil pointers are not.
		raw, err := db.Engine().FindByID(ctx, "Gauge", 1, nil)
		require.NoError(t, err)
		require.Equal(t, false, raw["onPtr"])
		require.Equal(t, 0.0, raw["count"])
		empty := &Gauge{}
		require.NoError(t, gauges.Create(ctx, empty))
		raw, err = db.Engine().FindByID(ctx, "Gauge", 2, nil)
		require.NoError(t, err)
		require.Equal(t, map[string]any{"id": 2.0}, raw)

		// Filter values of any Go type are converted.
		found, err := gauges.Find(ctx, relstore.Where("level", relstore.Inq, []Level{"high"}).Where("u8", relstore.Eq, uint8(8)))
		require.NoError(t, err)
		require.Len(t, found, 1)
	})
}

// Loose is a typed view whose field types disagree with the stored model.
type Loose struct {
	_     relstore.Model `relstore:"name=Loose"`
	ID    int            `json:"id"`
	Small int8           `json:"small"`
	Whole int            `json:"whole"`
	Text  int            `json:"text"`
	Pos   uint           `json:"pos"`
}

func TestCodec_DecodeErrors(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB) *relstore.DB) {
		db := open(t)
		ctx := context.Background()
		require.NoError(t, db.DefineJSON([]byte(`{"name": "Loose", "properties": {
			"small": "number", "whole": "number", "text": "string", "pos": "number"}}`)))
		loose := relstore.NewRepo[Loose](db)
		scenarios := []struct {
			name string
			data map[string]any
			want string
		}{
			{"out of range", map[string]any{"small": 300}, "Loose.small"},
			{"fraction", map[string]any{"whole": 1.5}, "Loose.whole"},
			{"string into int", map[string]any{"text": "abc"}, "Loose.text"},
			{"negative into uint", map[string]any{"pos": -1}, "Loose.pos"},
		}
		for _, s := range scenarios {
			t.Run(s.name, func(t *testing.T) {
				rec, err := db.Engine().Create(ctx, "Loose", s.data)
				require.NoError(t, err)
				_, err = loose.FindByID(ctx, rec["id"], nil)
				require.ErrorIs(t, err, relstore.ErrDecode)
				require.Contains(t, err.Error(), s.want)
			})
		}
		// Values that fit decode.
		rec, err := db.Engine().Create(ctx, "Loose", map[string]any{"small": -128, "whole": 1e15, "pos": 7})
		require.NoError(t, err)
		got, err := loose.FindByID(ctx, rec["id"], nil)
		require.NoError(t, err)
		require.Equal(t, Loose{ID: got.ID, Small: -128, Whole: 1e15, Pos: 7}, *got)
	})
}
