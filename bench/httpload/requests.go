package httpload

import (
	"fmt"
	"net/url"
	"strconv"

	"github.com/relstore/relstore/bench/workload"
)

// Ops are the operations the generator runs, in order.
var Ops = []workload.Op{workload.Q1, workload.Q2, workload.Q3, workload.Q4}

// requests returns the request paths (relative to the base URL, API root
// included) of op, in order, at most max of them: Q1/Q2 follow their
// stream, Q3/Q4 repeat one request.
func requests(d *workload.Data, op workload.Op, max int) ([]string, error) {
	var out []string
	stream := func(ids []int64, format string) {
		for _, id := range ids[:min(max, len(ids))] {
			out = append(out, fmt.Sprintf(format, strconv.FormatInt(id, 10)))
		}
	}
	repeat := func(p string) {
		for range max {
			out = append(out, p)
		}
	}
	switch op {
	case workload.Q1:
		stream(d.Q1, "/api/Orders/%s/customer")
	case workload.Q2:
		stream(d.Q2, "/api/Customers/%s/orders")
	case workload.Q3:
		repeat(filterPath("Customers", fmt.Sprintf(`{"order":"id ASC","limit":%d,"include":"orders"}`, d.Q3Limit)))
	case workload.Q4:
		repeat(filterPath("Orders", fmt.Sprintf(`{"where":{"status":%q},"order":"id ASC","limit":%d,"include":"customer"}`,
			workload.Q4Status, d.Q4Limit)))
	default:
		return nil, fmt.Errorf("httpload: op %s has no HTTP request", op)
	}
	return out, nil
}

// filterPath is GET /api/{plural}?filter={json}.
func filterPath(plural, filter string) string {
	return "/api/" + plural + "?filter=" + url.QueryEscape(filter)
}
