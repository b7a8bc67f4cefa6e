package index

import "unsafe"

// unsafeBytes views s as a byte slice without copying. The result must
// never be modified; it may be retained (it keeps s alive).
func unsafeBytes(s string) []byte {
	if s == "" {
		return nil
	}
	return unsafe.Slice(unsafe.StringData(s), len(s))
}
