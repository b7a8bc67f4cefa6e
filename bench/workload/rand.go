package workload

// Stream identifiers of the spec's random streams: one independent
// mulberry32 stream per table and per op stream.
const (
	StreamCustomers uint32 = 1
	StreamOrders    uint32 = 2
	StreamItems     uint32 = 3
	StreamQ1        uint32 = 11
	StreamQ2        uint32 = 12
	StreamQ7        uint32 = 17
)

// DefaultSeed is the spec's seed.
const DefaultSeed uint32 = 42

// streamMix is the golden-ratio constant that separates the streams of one
// seed: stream k starts at seed XOR uint32(k·streamMix).
const streamMix uint32 = 0x9E3779B9

// mulberryIncrement is mulberry32's state increment.
const mulberryIncrement uint32 = 0x6D2B79F5

// Rand is a mulberry32 generator with 32-bit state, exactly as the spec
// defines it. The zero value is a valid stream (seed 0, stream 0) but every
// use in the workload goes through NewStream.
type Rand struct {
	state uint32
}

// NewStream returns stream k of seed: state = seed XOR uint32(k·0x9E3779B9).
func NewStream(seed, k uint32) *Rand {
	return &Rand{state: seed ^ (k * streamMix)}
}

// Next returns the next 32-bit output of the stream.
func (r *Rand) Next() uint32 {
	r.state += mulberryIncrement
	t := r.state
	t = (t ^ t>>15) * (t | 1)
	t ^= t + (t^t>>7)*(t|61)
	return t ^ t>>14
}

// Intn returns floor(Next()·n / 2^32), a value in [0, n). The spec limits n
// to n < 2^21 so that JavaScript runners compute the same value in doubles;
// here the product is exact in 64 bits for any n < 2^32. n must be positive.
func (r *Rand) Intn(n int) int {
	return int(uint64(r.Next()) * uint64(n) >> 32)
}
