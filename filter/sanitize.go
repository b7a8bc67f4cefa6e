package filter

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"
)

// MaxDepth is the deepest nesting of objects and arrays a filter may have
// (LoopBack's maxDepthOfQuery): the filter object itself is level 0 and
// every value, scalar or not, is one level below its container, so in
// {"where":{"age":{"gt":1}}} the 1 is at level 3. Deeper filters are
// refused with QUERY_OBJECT_TOO_DEEP.
const MaxDepth = 32

// sanitize copies a decoded filter value into the shapes the parser reads
// (map[string]any, []any, float64, string, bool, nil, time.Time, []byte),
// converting the Go types a program may pass (other integer and float
// types, json.Number, []string, map[string]string, ...). It refuses
// nesting deeper than MaxDepth and, like LoopBack's sanitizeQuery, keys
// starting with "$" anywhere (all of them are named in the message).
func sanitize(v any, path string) (any, error) {
	s := &sanitizer{}
	out, err := s.copy(v, path, 0)
	if err != nil {
		return nil, err
	}
	if len(s.dollar) > 0 {
		return nil, errorf(CodeOperatorNotAllowed, s.dollarPath,
			"Operators %q are not allowed in query", strings.Join(s.dollar, ", "))
	}
	return out, nil
}

type sanitizer struct {
	dollar     []string
	dollarPath string
}

func (s *sanitizer) copy(v any, path string, level int) (any, error) {
	if level > MaxDepth {
		return nil, errorf(CodeQueryTooDeep, path, "The query object exceeds maximum depth %d", MaxDepth)
	}
	switch x := normalizeNumber(v).(type) {
	case nil, float64, string, bool, time.Time:
		return x, nil
	case []byte:
		return x, nil
	case map[string]any:
		out := make(map[string]any, len(x))
		for _, k := range sortedKeys(x) {
			if strings.HasPrefix(k, "$") {
				if len(s.dollar) == 0 {
					s.dollarPath = joinPath(path, k)
				}
				if !contains(s.dollar, k) {
					s.dollar = append(s.dollar, k)
				}
			}
			c, err := s.copy(x[k], joinPath(path, k), level+1)
			if err != nil {
				return nil, err
			}
			out[k] = c
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			c, err := s.copy(e, indexPath(path, i), level+1)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	}
	// Other Go slices and string-keyed maps, through reflection.
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		out := make([]any, rv.Len())
		for i := range out {
			out[i] = rv.Index(i).Interface()
		}
		return s.copy(out, path, level)
	case reflect.Map:
		if rv.Type().Key().Kind() == reflect.String {
			m := make(map[string]any, rv.Len())
			iter := rv.MapRange()
			for iter.Next() {
				m[iter.Key().String()] = iter.Value().Interface()
			}
			return s.copy(m, path, level)
		}
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return nil, nil
		}
	}
	return nil, errorf(CodeInvalidFilter, path, "Unsupported value of type %s in the filter", fmt.Sprintf("%T", v))
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
