package relstorepeer

import (
	"testing"
	"time"

	"github.com/relstore/relstore/bench/workload"
)

func TestTallyCountsAttachments(t *testing.T) {
	cust := map[string]any{"id": 2.0, "name": "Customer 00002", "tags": []any{"a", "b"}}
	recs := []map[string]any{
		{"id": 10.0, "createdAt": time.Now(), "customer": cust},
		{"id": 20.0, "customer": cust, "items": []map[string]any{{"id": 5.0}, {"id": 6.0}}},
		{"id": 30.0, "items": []any{map[string]any{"id": 7.0}}, "other": map[string]any{"id": 100.0}},
	}
	got, err := tally(recs, "customer", "items")
	if err != nil {
		t.Fatal(err)
	}
	// 3 orders + customer twice + 3 items; "other" is not a relation asked for.
	if want := (workload.Tally{Records: 8, IDSum: 10 + 20 + 30 + 2 + 2 + 5 + 6 + 7}); got != want {
		t.Errorf("tally %v, want %v", got, want)
	}
}

func TestTallyRejectsRecordWithoutID(t *testing.T) {
	if _, err := tally(map[string]any{"name": "x"}); err == nil {
		t.Error("record without id accepted")
	}
	if _, err := tally(42); err == nil {
		t.Error("non-record accepted")
	}
	if _, err := tally(map[string]any{"id": 1.0, "items": []any{"a"}}, "items"); err == nil {
		t.Error("a non-record under a relation name accepted")
	}
	if got, err := tally(nil); err != nil || got != (workload.Tally{}) {
		t.Errorf("nil: %v %v", got, err)
	}
}
