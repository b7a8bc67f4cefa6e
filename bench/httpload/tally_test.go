package httpload

import (
	"testing"

	"github.com/relstore/relstore/bench/workload"
)

func TestTallyJSON(t *testing.T) {
	for _, tc := range []struct {
		body string
		want workload.Tally
	}{
		{`{"id":3,"name":"x"}`, workload.Tally{Records: 1, IDSum: 3}},
		{`[{"id":1,"orders":[{"id":10},{"id":20}]},{"id":2,"orders":[],"tags":["a"]}]`, workload.Tally{Records: 4, IDSum: 33}},
		{`[{"id":5,"customer":{"id":7}}]`, workload.Tally{Records: 2, IDSum: 12}},
		{`[]`, workload.Tally{}},
	} {
		got, err := tallyJSON([]byte(tc.body))
		if err != nil || got != tc.want {
			t.Errorf("%s: %v %v, want %v", tc.body, got, err, tc.want)
		}
	}
	for _, bad := range []string{`{"name":"no id"}`, `[1,2]`, `{`} {
		if _, err := tallyJSON([]byte(bad)); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}
