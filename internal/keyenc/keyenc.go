package keyenc

import "errors"

// Sentinel errors. Check them with errors.Is; returned errors may wrap them
// with more context.
var (
	// ErrCorrupt is returned by the decoders when the input is truncated, has
	// an unknown tag or is not in canonical form.
	ErrCorrupt = errors.New("relstore: keyenc: corrupt key")
	// ErrUnsupportedType is returned by AppendValue for Go types it cannot
	// encode.
	ErrUnsupportedType = errors.New("relstore: keyenc: unsupported type")
)

// Type tags: the first byte of every encoded value. Their numeric order is
// the cross-type order. They are exported so callers can build spans over a
// whole type, e.g. [TagNumber, TagNumber+1) holds every number.
const (
	TagNull   byte = 0x00
	TagFalse  byte = 0x10
	TagTrue   byte = 0x11
	TagNumber byte = 0x20
	TagString byte = 0x30
	TagTime   byte = 0x40
	TagBytes  byte = 0x50
)

// Escaping of byte strings.
const (
	escape     byte = 0x00 // a 0x00 byte in the payload starts an escape
	escaped00  byte = 0xFF // 0x00 0xFF stands for a 0x00 payload byte
	terminator byte = 0x01 // 0x00 0x01 ends the payload
)

// Fixed payload sizes in bytes.
const (
	numberSize = 8     // float64 bits
	timeSize   = 8 + 4 // Unix seconds + nanoseconds
)

// AppendNull appends the encoding of null (nil).
func AppendNull(b []byte) []byte { return append(b, TagNull) }

// AppendBool appends the encoding of v. false sorts before true.
func AppendBool(b []byte, v bool) []byte {
	if v {
		return append(b, TagTrue)
	}
	return append(b, TagFalse)
}
