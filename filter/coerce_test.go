package filter

import (
	"testing"
	"time"

	"github.com/relstore/relstore/schema"
)

func TestCoerceScalar(t *testing.T) {
	num, boolean, dt, str := &schema.Type{Kind: schema.KindNumber}, &schema.Type{Kind: schema.KindBoolean},
		&schema.Type{Kind: schema.KindDate}, &schema.Type{Kind: schema.KindString}
	obj := &schema.Type{Kind: schema.KindObject}
	cases := []struct {
		name    string
		t       *schema.Type
		in      any
		want    any
		problem string
	}{
		{"number stays", num, 1.5, 1.5, ""},
		{"number from string", num, "21", 21.0, ""},
		{"number from padded string", num, " 2e3 ", 2000.0, ""},
		{"number from hex", num, "0x10", 16.0, ""},
		{"number from empty string", num, "", 0.0, ""},
		{"number from bool", num, true, 1.0, ""},
		{"number from int", num, 7, 7.0, ""},
		{"number null", num, nil, nil, ""},
		{"number bad", num, "abc", nil, `"abc" is not a number`},
		{"number date", num, time.Unix(0, 0), nil, `"1970-01-01T00:00:00.000Z" is not a number`},
		{"boolean true", boolean, true, true, ""},
		{"boolean string", boolean, "false", false, ""},
		{"boolean 1", boolean, "1", true, ""},
		{"boolean number 0", boolean, 0.0, false, ""},
		{"boolean yes", boolean, "yes", nil, `"yes" is not a boolean`},
		{"boolean TRUE", boolean, "TRUE", nil, `"TRUE" is not a boolean`},
		{"date ISO", dt, "2020-01-15T10:20:30.123Z", date("2020-01-15T10:20:30.123Z"), ""},
		{"date only", dt, "2020-01-15", date("2020-01-15T00:00:00Z"), ""},
		{"date month", dt, "2020-02", date("2020-02-01T00:00:00Z"), ""},
		{"date year", dt, "2020", date("2020-01-01T00:00:00Z"), ""},
		{"date no offset is UTC", dt, "2020-01-15T10:20", date("2020-01-15T10:20:00Z"), ""},
		{"date space", dt, "2020-01-15 10:20:30", date("2020-01-15T10:20:30Z"), ""},
		{"date offset", dt, "2020-01-15T10:20:30+02:00", date("2020-01-15T08:20:30Z"), ""},
		{"date offset compact", dt, "2020-01-15T10:20:30-0130", date("2020-01-15T11:50:30Z"), ""},
		{"date nanos", dt, "2020-01-15T10:20:30.123456789Z", date("2020-01-15T10:20:30.123456789Z"), ""},
		{"date 24:00", dt, "2020-01-15T24:00:00Z", date("2020-01-16T00:00:00Z"), ""},
		{"date expanded year", dt, "+002020-01-15", date("2020-01-15T00:00:00Z"), ""},
		{"date RFC 1123", dt, "Wed, 15 Jan 2020 10:20:30 GMT", date("2020-01-15T10:20:30Z"), ""},
		{"date JS toString", dt, "Wed Jan 15 2020 10:20:30 GMT+0000 (Coordinated Universal Time)", date("2020-01-15T10:20:30Z"), ""},
		{"date millis", dt, 1579083630123.0, date("2020-01-15T10:20:30.123Z"), ""},
		{"date millis string is not a date", dt, "1579083630123", nil, `"1579083630123" is not a valid date`},
		{"date bad month", dt, "2020-13-01", nil, `"2020-13-01" is not a valid date`},
		{"date bad day", dt, "2019-02-29", nil, `"2019-02-29" is not a valid date`},
		{"date leap day", dt, "2020-02-29", date("2020-02-29T00:00:00Z"), ""},
		{"date bad hour", dt, "2020-01-01T25:00", nil, `"2020-01-01T25:00" is not a valid date`},
		{"date word", dt, "tomorrow", nil, `"tomorrow" is not a valid date`},
		{"date bool", dt, true, nil, `true is not a valid date`},
		{"date out of range", dt, 9e15, nil, `9000000000000000 is not a valid date`},
		{"string from number", str, 1e21, "1e+21", ""},
		{"string from bool", str, false, "false", ""},
		{"string from date", str, time.Unix(0, 0), nil, `"1970-01-01T00:00:00.000Z" is not a string`},
		{"object untouched", obj, "x", "x", ""},
		{"untyped untouched", nil, "3", "3", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, problem := coerceScalar(c.t, c.in)
			if problem != c.problem {
				t.Fatalf("problem %q, want %q", problem, c.problem)
			}
			if w, ok := c.want.(time.Time); ok {
				g, isTime := got.(time.Time)
				if !isTime || !g.Equal(w) {
					t.Errorf("got %v, want %v", got, w)
				}
				return
			}
			if got != c.want {
				t.Errorf("got %#v, want %#v", got, c.want)
			}
		})
	}
}
