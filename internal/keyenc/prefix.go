package keyenc

// PrefixEnd returns the smallest key that is greater than every key having
// b as a prefix, for use as an exclusive upper bound: [b, PrefixEnd(b))
// spans exactly the keys starting with b. It drops trailing 0xFF bytes and
// increments the last remaining byte. It returns nil (no upper bound) when b
// is empty or made only of 0xFF bytes. The result is a new slice; b is not
// modified.
func PrefixEnd(b []byte) []byte {
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] != 0xFF {
			end := make([]byte, i+1)
			copy(end, b)
			end[i]++
			return end
		}
	}
	return nil
}
