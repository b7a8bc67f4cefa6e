package sqlitepeer

import (
	"context"
	"testing"
	"time"

	"github.com/relstore/relstore/bench/workload"
)

func TestQ3MapsMatchesStructs(t *testing.T) {
	s, d := loaded(t)
	ctx := context.Background()
	got, err := s.CustomersWithOrdersMaps(ctx, d.Q3Limit)
	if want := d.Expect(workload.Q3, 0); err != nil || got != want {
		t.Errorf("maps: %v %v, want %v", got, err, want)
	}
	rows, err := s.db.QueryContext(ctx, "SELECT "+orderCols+" FROM orders WHERE id = 1")
	ms, err := scanMaps(rows, err)
	if err != nil || len(ms) != 1 {
		t.Fatal(ms, err)
	}
	o, g := ms[0], d.Order(1)
	if o["id"] != 1.0 || o["customerId"] != float64(g.CustomerID) || o["total"] != g.Total() || o["status"] != g.Status {
		t.Errorf("order map %v vs %+v", o, g)
	}
	if ts, ok := o["createdAt"].(time.Time); !ok || !ts.Equal(g.CreatedAt()) {
		t.Errorf("createdAt %v, want %v", o["createdAt"], g.CreatedAt())
	}
}
