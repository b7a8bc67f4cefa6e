package relstore

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseTag(t *testing.T) {
	scenarios := []struct {
		name, in string
		want     tag
		err      string
	}{
		{"empty", "", nil, ""},
		{"bare and valued", "id,generated,maxLength=5", tag{{key: "id"}, {key: "generated"}, {key: "maxLength", val: "5", hasVal: true}}, ""},
		{"escaped comma", `pattern=^a{1\,3}$,required`, tag{{key: "pattern", val: "^a{1,3}$", hasVal: true}, {key: "required"}}, ""},
		{"escaped backslash", `default=a\\b`, tag{{key: "default", val: `a\b`, hasVal: true}}, ""},
		{"other backslashes stay", `pattern=^\d+$`, tag{{key: "pattern", val: `^\d+$`, hasVal: true}}, ""},
		{"spaces and empty items", " index , ,unique", tag{{key: "index"}, {key: "unique"}}, ""},
		{"empty value", "default=", tag{{key: "default", val: "", hasVal: true}}, ""},
		{"value with =", "pattern=a=b", tag{{key: "pattern", val: "a=b", hasVal: true}}, ""},
		{"no key", "=x", nil, "has no key"},
		{"twice", "index,index", nil, "appears twice"},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			got, err := parseTag(s.in)
			if s.err != "" {
				require.ErrorContains(t, err, s.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, s.want, got)
		})
	}
}

func TestLowerCamel(t *testing.T) {
	for in, want := range map[string]string{
		"Name": "name", "ID": "id", "URLPath": "urlPath", "CustomerID": "customerID",
		"X": "x", "already": "already", "HTTPServer2": "httpServer2",
	} {
		require.Equal(t, want, lowerCamel(in), in)
	}
}
