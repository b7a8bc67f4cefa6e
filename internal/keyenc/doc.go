// Package keyenc is relstore's order-preserving, prefix-free key codec.
//
// Every value is written as a one-byte type tag followed by a payload. The
// encodings are built so that comparing two encoded keys with bytes.Compare
// gives the same answer as comparing the original values with Compare, and
// so that no encoding is a proper prefix of another one. Because of that,
// the concatenation of several encoded values (a tuple) sorts
// lexicographically, field by field, which is what relstore's record and
// index keys rely on:
//
//	key := keyenc.AppendUvarint(nil, modelID)
//	key = keyenc.AppendString(key, "ada")
//	key = keyenc.AppendNumber(key, 42)
//
// # Order
//
// Values of different types order by tag:
//
//	null < false < true < number < string < date < bytes
//
// Within a type:
//
//   - Numbers have a single encoding, an IEEE 754 float64, whatever Go type
//     they came from, and order by numeric value. -0 is encoded as 0. NaN
//     has no place in a total order; it is encoded, compared and decoded as
//     null (this matches JavaScript and LoopBack, which serialize NaN as
//     null). -Inf and +Inf are the smallest and largest numbers. Integers
//     whose magnitude exceeds 2^53 are rounded to the nearest float64, as in
//     JavaScript.
//   - Strings order by their UTF-8 bytes. JavaScript compares strings by
//     UTF-16 code unit instead; the two orders differ only between
//     characters above U+FFFF (surrogate pairs) and characters in
//     U+E000..U+FFFF. Invalid UTF-8 is kept byte for byte.
//   - Dates (time.Time) order by instant, regardless of location or
//     monotonic clock reading; they decode in UTC.
//   - Byte strings order lexicographically.
//
// # Formats
//
// Strings and byte strings escape every 0x00 byte as 0x00 0xFF and end with
// the terminator 0x00 0x01, so "ab" < "abc" and "a" < "a\x00". Numbers are
// the tag plus 8 big-endian bytes of the float64 bits, with the sign bit
// flipped for positive numbers and every bit flipped for negative ones.
// Dates are the tag plus 8 big-endian bytes of the Unix seconds with the sign
// bit flipped and 4 big-endian bytes of nanoseconds (0..999999999); this
// covers the whole range of time.Time, including its zero value (year 1) and
// the whole JavaScript Date range, where a single int64 of Unix nanoseconds
// would only reach years 1678..2262.
//
// Model and index ids use a separate, untagged unsigned varint
// (AppendUvarint) that also sorts by value.
//
// Range helpers: PrefixEnd turns a prefix into an exclusive upper bound, and
// AppendStringPrefix encodes a string prefix (without terminator) so that
// [AppendStringPrefix(k, p), PrefixEnd(...)) spans exactly the strings that
// start with p (a LoopBack `like 'p%'`).
//
// All functions are safe for concurrent use. Append functions follow the
// strconv.Append convention: they append to b and return the extended
// slice, which may share b's backing array.
package keyenc
