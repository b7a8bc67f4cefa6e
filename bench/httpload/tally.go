package httpload

import (
	"encoding/json"
	"fmt"

	"github.com/relstore/relstore/bench/workload"
)

// tallyJSON decodes a REST response body (a record or an array of records)
// and counts its records and their ids, records attached by include (a
// record or an array of records under any key) once per attachment, as
// workload.Tally defines.
func tallyJSON(body []byte) (workload.Tally, error) {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return workload.Tally{}, fmt.Errorf("httpload: decoding response: %w", err)
	}
	var t workload.Tally
	err := walk(v, &t)
	return t, err
}

func walk(v any, t *workload.Tally) error {
	switch x := v.(type) {
	case map[string]any:
		id, ok := x["id"].(float64)
		if !ok {
			return fmt.Errorf("httpload: record without a numeric id: %v", x)
		}
		t.Records++
		t.IDSum += int64(id)
		for _, child := range x {
			if isRecords(child) {
				if err := walk(child, t); err != nil {
					return err
				}
			}
		}
	case []any:
		for _, r := range x {
			if err := walk(r, t); err != nil {
				return err
			}
		}
	case nil:
	default:
		return fmt.Errorf("httpload: unexpected JSON %T in a result", v)
	}
	return nil
}

// isRecords reports whether a property value is an attached record or a
// non-empty array of records (not a plain value or array).
func isRecords(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		return true
	case []any:
		if len(x) == 0 {
			return false
		}
		_, ok := x[0].(map[string]any)
		return ok
	}
	return false
}
