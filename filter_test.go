package relstore_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/relstore/relstore"
)

func TestFilter_Builder(t *testing.T) {
	day := time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)
	scenarios := []struct {
		name string
		f    relstore.Filter
		want string
	}{
		{"eq", relstore.Where("name", relstore.Eq, "Ada"), `{"where": {"name": "Ada"}}`},
		{"eq null", relstore.Where("email", relstore.Eq, nil), `{"where": {"email": null}}`},
		{"operator with an int", relstore.Where("age", relstore.Gt, 21), `{"where": {"age": {"gt": 21}}}`},
		{"two properties", relstore.Where("age", relstore.Gt, 21).Where("name", relstore.Like, "A%"),
			`{"where": {"age": {"gt": 21}, "name": {"like": "A%"}}}`},
		{"same property twice", relstore.Where("age", relstore.Gt, 21).Where("age", relstore.Lt, 65),
			`{"where": {"and": [{"age": {"gt": 21}}, {"age": {"lt": 65}}]}}`},
		{"typed slice", relstore.Where("id", relstore.Inq, []int{1, 2}), `{"where": {"id": {"inq": [1, 2]}}}`},
		{"between dates", relstore.Where("at", relstore.Between, []time.Time{day, day}),
			`{"where": {"at": {"between": ["2024-01-02T00:00:00Z", "2024-01-02T00:00:00Z"]}}}`},
		{"relation path", relstore.Where("customer.name", relstore.Eq, "Ada"), `{"where": {"customer.name": "Ada"}}`},
		{"some", relstore.Where("orders", relstore.Some, relstore.Where("total", relstore.Gt, 10)),
			`{"where": {"orders": {"some": {"total": {"gt": 10}}}}}`},
		{"none of any", relstore.Where("orders", relstore.None, nil), `{"where": {"orders": {"none": {}}}}`},
		{"or", relstore.Or(relstore.Where("a", relstore.Eq, 1), relstore.Where("b", relstore.Eq, 2)),
			`{"where": {"or": [{"a": 1}, {"b": 2}]}}`},
		{"order, limit, skip, fields", relstore.Order("name ASC").Order("id").Limit(10).Skip(20).Fields("id", "name"),
			`{"order": ["name ASC", "id"], "limit": 10, "skip": 20, "fields": ["id", "name"]}`},
		{"limit 0 is none", relstore.Limit(5).Limit(0).Skip(0), `{}`},
		{"includes", relstore.Include("orders", relstore.Where("total", relstore.Gt, 1).Include("items")).Include("address"),
			`{"include": [{"relation": "orders", "scope": {"where": {"total": {"gt": 1}}, "include": ["items"]}}, "address"]}`},
		{"values of any Go type", relstore.Where("a", relstore.Eq, ptr(3)).Where("b", relstore.Eq, (*int)(nil)).
			Where("c", relstore.Eq, Level("high")).Where("d", relstore.Eq, map[string]uint8{"x": 1}).
			Where("e", relstore.Eq, Address{City: "Oslo"}).Where("f", relstore.Inq, [2]float32{0.5, 1}).
			Where("g", relstore.Eq, []byte("hi")).Where("h", relstore.Eq, int64(-2)),
			`{"where": {"a": 3, "b": null, "c": "high", "d": {"x": 1}, "e": {"city": "Oslo"}, "f": {"inq": [0.5, 1]},
			  "g": "aGk=", "h": -2}}`},
		{"fields alone", relstore.Fields("a"), `{"fields": ["a"]}`},
		{"skip alone", relstore.Skip(3), `{"skip": 3}`},
		{"extends a literal", relstore.Filter{"where": relstore.Filter{"a": 1}, "order": []string{"a"}, "include": []string{"x"}}.
			Where("b", relstore.Eq, 2).Order("b").Include("y"),
			`{"where": {"a": 1, "b": 2}, "order": ["a", "b"], "include": ["x", "y"]}`},
		{"extends an or", relstore.Or(relstore.Where("a", relstore.Eq, 1)).Where("b", relstore.Eq, 2),
			`{"where": {"or": [{"a": 1}], "b": 2}}`},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			b, err := json.Marshal(s.f)
			require.NoError(t, err)
			require.JSONEq(t, s.want, string(b))
		})
	}
}

func TestFilter_Parse(t *testing.T) {
	f, err := relstore.ParseFilter(`{"where": {"age": {"gt": 21}}, "limit": 2}`)
	require.NoError(t, err)
	require.Equal(t, relstore.Filter{"where": map[string]any{"age": map[string]any{"gt": 21.0}}, "limit": 2.0}, f)
	// The parsed filter extends like a built one.
	f = f.Where("name", relstore.Eq, "Ada")
	require.Equal(t, map[string]any{"age": map[string]any{"gt": 21.0}, "name": "Ada"}, f["where"])

	_, err = relstore.ParseFilter(`{"where": `)
	require.Error(t, err)
	_, err = relstore.ParseFilter(`[1]`)
	require.ErrorIs(t, err, relstore.ErrInvalidFilter)
	f, err = relstore.ParseFilter(`null`)
	require.NoError(t, err)
	require.Nil(t, f)
}

func ptr[T any](v T) *T { return &v }
