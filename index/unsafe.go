package index

import "unsafe"

// unsafeBytes views s as a byte slice without copying. The result must not
// be modified or retained past the callback that receives it.
func unsafeBytes(s string) []byte {
	if s == "" {
		return nil
	}
	return unsafe.Slice(unsafe.StringData(s), len(s))
}
