package hotpath

import (
	"testing"

	"github.com/relstore/relstore/bench/workload"
	"github.com/relstore/relstore/engine"
)

// codecRecords returns workload-shaped records, as the workload session
// creates them: orders {id, customerId, total, status, createdAt} and
// customers {id, name, age, city}, 1,000 of each.
func codecRecords() (orders, customers []map[string]any) {
	d := workload.Generate(BenchScale, workload.DefaultSeed)
	for i := range min(len(d.Orders), 1000) {
		o := &d.Orders[i]
		orders = append(orders, map[string]any{
			"id": float64(o.ID), "customerId": float64(o.CustomerID), "total": o.Total(),
			"status": o.Status, "createdAt": o.CreatedAt(),
		})
	}
	for i := range min(len(d.Customers), 1000) {
		c := &d.Customers[i]
		customers = append(customers, map[string]any{
			"id": float64(c.ID), "name": c.Name, "age": float64(c.Age), "city": c.City,
		})
	}
	return orders, customers
}

// BenchmarkRecordEncode encodes one record to its stored form (every
// write does this).
func BenchmarkRecordEncode(b *testing.B) {
	orders, customers := codecRecords()
	for _, bc := range []struct {
		name string
		recs []map[string]any
	}{{"Order", orders}, {"Customer", customers}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if _, err := engine.EncodeRecord(bc.recs[i%len(bc.recs)]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRecordDecode decodes one stored record into a fresh map (every
// record read on the Pebble backend that misses the record cache does
// this).
func BenchmarkRecordDecode(b *testing.B) {
	orders, customers := codecRecords()
	for _, bc := range []struct {
		name string
		recs []map[string]any
	}{{"Order", orders}, {"Customer", customers}} {
		enc := make([][]byte, len(bc.recs))
		for i, r := range bc.recs {
			var err error
			if enc[i], err = engine.EncodeRecord(r); err != nil {
				b.Fatal(err)
			}
		}
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if _, err := engine.DecodeRecord(enc[i%len(enc)]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
