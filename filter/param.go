package filter

import (
	"encoding/json"
	"strings"
)

// ParseParam reads an "object" parameter (filter, where) as strong-remoting
// 3 does for LoopBack 3 (types/object.js fromSloppyValue):
//
//   - nil, "" and "null" mean "not given": (nil, false, nil);
//   - a string that looks like a JSON object (first non-blank character "{",
//     last "}") is decoded; if it does not decode, the error is INVALID_FILTER
//     "Cannot parse JSON-encoded object value.";
//   - an object (map[string]any, e.g. from ParseQuery's bracket syntax) is
//     returned as it is;
//   - anything else (another string, a number, an array, ...) is
//     INVALID_FILTER "Value is not an object.".
//
// ok reports whether an object was given. Decoded numbers are float64. The
// returned map is v itself when v is a map (not copied).
func ParseParam(v any) (m map[string]any, ok bool, err error) {
	switch x := v.(type) {
	case nil:
		return nil, false, nil
	case map[string]any:
		return x, true, nil
	case string:
		if x == "" || x == "null" {
			return nil, false, nil
		}
		t := strings.TrimSpace(x)
		if strings.HasPrefix(t, "{") && strings.HasSuffix(t, "}") {
			var decoded any
			if err := json.Unmarshal([]byte(x), &decoded); err != nil {
				return nil, false, errorf(CodeInvalidFilter, "", "Cannot parse JSON-encoded object value.")
			}
			if obj, isObj := decoded.(map[string]any); isObj {
				return obj, true, nil
			}
		}
	}
	return nil, false, errorf(CodeInvalidFilter, "", "Value is not an object.")
}
