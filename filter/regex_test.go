package filter

import (
	"testing"
)

func TestLikeRegexp(t *testing.T) {
	cases := []struct {
		name, pattern string
		ci            bool
		expr          string
		matches       []string
		misses        []string
	}{
		{"substring", "nn", false, "nn", []string{"Ann", "nn"}, []string{"An"}},
		{"percent", "A%", false, "A.*", []string{"Ann", "xA"}, []string{"ann"}},
		{"underscore", "_ve", false, ".ve", []string{"Eve", "Dave"}, []string{"ve"}},
		{"dot is a wildcard", "n.ts", false, "n.ts", []string{"nuts"}, []string{"nts"}},
		{"regex chars keep their meaning", "^A", false, "^A", []string{"Ann"}, []string{"bAn"}},
		{"case-insensitive", "al%", true, "(?i)al.*", []string{"Alice", "alfred"}, []string{"bob"}},
		{"invalid pattern matched literally", "[a%", false, `\[a\.\*`, []string{"x[a.*y"}, []string{"[ab"}},
		{"null as a string", "nu%", false, "nu.*", []string{"null"}, []string{"undefined"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			re := likeRegexp(c.pattern, c.ci)
			if re.String() != c.expr {
				t.Errorf("expression %q, want %q", re.String(), c.expr)
			}
			for _, s := range c.matches {
				if !re.MatchString(s) {
					t.Errorf("%q does not match %q", c.pattern, s)
				}
			}
			for _, s := range c.misses {
				if re.MatchString(s) {
					t.Errorf("%q matches %q", c.pattern, s)
				}
			}
		})
	}
}

func TestCompileRegexp(t *testing.T) {
	cases := []struct {
		name, in, expr, err string
	}{
		{"plain", "^A", "^A", ""},
		{"flags", "/^al/i", "(?i)^al", ""},
		{"all flags", "/x/gim", "(?im)x", ""},
		{"repeated flags", "/x/ii", "(?i)x", ""},
		{"bad flag", "/^a/x", "", "Invalid regex flags: x"},
		{"bad flags listed", "/^a/isu", "", "Invalid regex flags: s,u"},
		{"slashes inside", "/a/b/i", "(?i)a/b", ""},
		{"no flags keeps the slashes", "/abc/", "/abc/", ""},
		{"slash without leading slash is plain", "a/b", "a/b", ""},
		{"escaped slash", `example\.(org|net)$`, `example\.(org|net)$`, ""},
		{"invalid", "(unclosed", "", `Invalid regular expression "(unclosed": missing closing ): (unclosed`},
		{"back-reference", `(a)\1`, "", `Invalid regular expression "(a)\\1": invalid escape sequence: \1`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			re, err := compileRegexp(c.in)
			if c.err != "" {
				if err == nil || err.Message != c.err || err.Code != CodeInvalidValue {
					t.Fatalf("got %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if re.String() != c.expr {
				t.Errorf("expression %q, want %q", re.String(), c.expr)
			}
		})
	}
}
