package keyenc

import (
	"bytes"
	"strings"
)

// AppendString appends the encoding of s: TagString, s with every 0x00
// escaped as 0x00 0xFF, then the terminator 0x00 0x01. Strings order by
// UTF-8 byte order (see the package documentation for how that differs from
// JavaScript).
func AppendString(b []byte, s string) []byte {
	b = appendEscapedString(append(b, TagString), s)
	return append(b, escape, terminator)
}

// AppendStringPrefix appends TagString and the escaped bytes of s without
// the terminator. Every encoded string that starts with s has the result as
// a prefix, so [AppendStringPrefix(k, s), PrefixEnd(AppendStringPrefix(k, s)))
// spans exactly the keys k+AppendString(nil, t) with strings.HasPrefix(t, s).
func AppendStringPrefix(b []byte, s string) []byte {
	return appendEscapedString(append(b, TagString), s)
}

// AppendBytes appends the encoding of p: TagBytes followed by the same
// escaping and terminator as AppendString. A nil p encodes like an empty one.
func AppendBytes(b []byte, p []byte) []byte {
	b = appendEscapedBytes(append(b, TagBytes), p)
	return append(b, escape, terminator)
}

func appendEscapedString(b []byte, s string) []byte {
	for {
		i := strings.IndexByte(s, escape)
		if i < 0 {
			return append(b, s...)
		}
		b = append(b, s[:i]...)
		b = append(b, escape, escaped00)
		s = s[i+1:]
	}
}

func appendEscapedBytes(b []byte, p []byte) []byte {
	for {
		i := bytes.IndexByte(p, escape)
		if i < 0 {
			return append(b, p...)
		}
		b = append(b, p[:i]...)
		b = append(b, escape, escaped00)
		p = p[i+1:]
	}
}

// scanEscaped finds the terminator of an escaped payload. It returns the
// payload length in encoded bytes (excluding the terminator) and whether it
// contains escapes.
func scanEscaped(b []byte) (n int, escapes bool, err error) {
	for {
		i := bytes.IndexByte(b[n:], escape)
		if i < 0 || n+i+1 >= len(b) {
			return 0, false, corruptf("unterminated string")
		}
		n += i
		switch b[n+1] {
		case terminator:
			return n, escapes, nil
		case escaped00:
			escapes = true
			n += 2
		default:
			return 0, false, corruptf("bad escape 0x00 0x%02x", b[n+1])
		}
	}
}

// unescape appends the unescaped form of enc (a validated payload without
// terminator) to out.
func unescape(out, enc []byte) []byte {
	for {
		i := bytes.IndexByte(enc, escape)
		if i < 0 {
			return append(out, enc...)
		}
		out = append(out, enc[:i]...)
		out = append(out, 0)
		enc = enc[i+2:]
	}
}

// decodeString decodes the payload after TagString.
func decodeString(b []byte) (string, []byte, error) {
	n, escapes, err := scanEscaped(b)
	if err != nil {
		return "", nil, err
	}
	if !escapes {
		return string(b[:n]), b[n+2:], nil
	}
	return string(unescape(make([]byte, 0, n), b[:n])), b[n+2:], nil
}

// decodeBytes decodes the payload after TagBytes into a new slice (never
// nil, never aliasing b).
func decodeBytes(b []byte) ([]byte, []byte, error) {
	n, escapes, err := scanEscaped(b)
	if err != nil {
		return nil, nil, err
	}
	if !escapes {
		out := make([]byte, n)
		copy(out, b[:n])
		return out, b[n+2:], nil
	}
	return unescape(make([]byte, 0, n), b[:n]), b[n+2:], nil
}
