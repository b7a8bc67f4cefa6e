package filter

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
)

// likeRegexp compiles a like/nlike/ilike/nilike pattern as the memory
// connector does: unanchored, % becomes .*, _ becomes ., every other
// character keeps its regular-expression meaning ("n.ts" matches "nuts").
// When the translated pattern is not a valid expression it is escaped and
// matched literally, as LoopBack does (its escapeRegExp fallback).
func likeRegexp(pattern string, caseInsensitive bool) *regexp.Regexp {
	var b strings.Builder
	for _, r := range pattern {
		switch r {
		case '%':
			b.WriteString(".*")
		case '_':
			b.WriteString(".")
		default:
			b.WriteRune(r)
		}
	}
	expr := b.String()
	prefix := ""
	if caseInsensitive {
		prefix = "(?i)"
	}
	if re, err := regexp.Compile(prefix + expr); err == nil {
		return re
	}
	return regexp.MustCompile(prefix + regexp.QuoteMeta(expr))
}

// regexpFlags are the flags LoopBack accepts in "/pattern/flags".
const regexpFlags = "igm"

// compileRegexp compiles the operand of a regexp condition: "/pat/flags"
// (flags from i, g, m; g is meaningless for a test and ignored) or a plain
// pattern ("^A"). Patterns use Go's RE2 syntax, which lacks look-around and
// back-references; such patterns are refused.
//
// A string is read as "/pat/flags" only when it starts with "/" and has
// characters after its last "/". (LoopBack reads any string with a "/"
// followed by characters as having flags, so "a/b" is its 400 "Invalid
// regex flags: b"; relstore matches "a/b" as a plain pattern.)
func compileRegexp(s string) (*regexp.Regexp, *Error) {
	expr, flags := s, ""
	if last := strings.LastIndexByte(s, '/'); strings.HasPrefix(s, "/") && last > 0 && last < len(s)-1 {
		expr, flags = s[1:last], s[last+1:]
	}
	var bad []string
	mode := ""
	for _, f := range flags {
		switch {
		case !strings.ContainsRune(regexpFlags, f):
			bad = append(bad, string(f))
		case f == 'i' && !strings.Contains(mode, "i"):
			mode += "i"
		case f == 'm' && !strings.Contains(mode, "m"):
			mode += "m"
		}
	}
	if len(bad) > 0 {
		return nil, errorf(CodeInvalidValue, "", "Invalid regex flags: %s", strings.Join(bad, ","))
	}
	if mode != "" {
		expr = "(?" + mode + ")" + expr
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, errorf(CodeInvalidValue, "", "Invalid regular expression %s: %s", jsonString(s), reason(err))
	}
	return re, nil
}

func reason(err error) string {
	var e *syntax.Error
	if errors.As(err, &e) {
		return fmt.Sprintf("%s: %s", e.Code, e.Expr)
	}
	return err.Error()
}
