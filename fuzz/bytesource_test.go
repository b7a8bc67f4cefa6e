package fuzz

import (
	"encoding/binary"
	"math"
)

// byteSource turns fuzzer bytes into choices. Reading past the end yields
// zeros, so every input is usable.
type byteSource struct {
	b []byte
}

func (s *byteSource) empty() bool { return len(s.b) == 0 }

func (s *byteSource) byte() byte {
	if len(s.b) == 0 {
		return 0
	}
	c := s.b[0]
	s.b = s.b[1:]
	return c
}

// intn returns a value in [0, n) (n <= 256 uses one byte).
func (s *byteSource) intn(n int) int {
	if n <= 1 {
		return 0
	}
	if n <= 256 {
		return int(s.byte()) % n
	}
	return int(s.uint64() % uint64(n))
}

func (s *byteSource) bool() bool { return s.byte()&1 == 1 }

func (s *byteSource) uint64() uint64 {
	var buf [8]byte
	n := copy(buf[:], s.b)
	s.b = s.b[n:]
	return binary.BigEndian.Uint64(buf[:])
}

func (s *byteSource) bytes(n int) []byte {
	if n > len(s.b) {
		n = len(s.b)
	}
	out := append([]byte{}, s.b[:n]...)
	s.b = s.b[n:]
	return out
}

// float64 returns an arbitrary float64, with the special values (±0, ±Inf,
// NaN, extremes) and small integers made likely.
func (s *byteSource) float64() float64 {
	switch s.intn(8) {
	case 0:
		return float64(int8(s.byte()))
	case 1:
		specials := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(),
			math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64,
			1 << 53, -(1 << 53), 1<<53 + 2, 0.1, -0.1}
		return specials[s.intn(len(specials))]
	default:
		return math.Float64frombits(s.uint64())
	}
}
