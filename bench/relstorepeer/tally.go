package relstorepeer

import (
	"fmt"

	"github.com/relstore/relstore/bench/workload"
)

// idKey is the id property of every workload model.
const idKey = "id"

// tally counts the records of a result as returned by the engine: a record
// (map[string]any), or a slice of records; records attached by include
// under one of the names rels (as a record or a list of records) are
// counted too, once per attachment, at any depth — the op knows what it
// included, as the SQLite peer knows its structs' fields. Ids are float64 as
// the engine returns numbers.
func tally(v any, rels ...string) (workload.Tally, error) {
	var t workload.Tally
	err := walk(v, rels, &t)
	return t, err
}

func walk(v any, rels []string, t *workload.Tally) error {
	switch x := v.(type) {
	case nil:
		return nil
	case map[string]any:
		id, ok := x[idKey].(float64)
		if !ok {
			return fmt.Errorf("relstorepeer: record without a numeric id: %v", x)
		}
		t.Records++
		t.IDSum += int64(id)
		for _, rel := range rels {
			if child, ok := x[rel]; ok {
				if err := walk(child, rels, t); err != nil {
					return fmt.Errorf("%s: %w", rel, err)
				}
			}
		}
	case []map[string]any:
		for _, r := range x {
			if err := walk(r, rels, t); err != nil {
				return err
			}
		}
	case []any:
		for _, r := range x {
			if err := walk(r, rels, t); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("relstorepeer: unexpected result type %T", v)
	}
	return nil
}
