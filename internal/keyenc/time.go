package keyenc

import (
	"encoding/binary"
	"time"
)

// nanosPerSecond bounds the nanosecond field of an encoded date.
const nanosPerSecond = 1_000_000_000

// AppendTime appends the encoding of t: TagTime, the Unix seconds as a
// big-endian int64 with the sign bit flipped, then the nanoseconds within
// the second as a big-endian uint32. Dates order by instant; the location
// and monotonic clock reading are not encoded.
func AppendTime(b []byte, t time.Time) []byte {
	b = append(b, TagTime)
	b = binary.BigEndian.AppendUint64(b, uint64(t.Unix())^signBit)
	return binary.BigEndian.AppendUint32(b, uint32(t.Nanosecond()))
}

// decodeTime decodes the payload after TagTime into a UTC time.
func decodeTime(b []byte) (time.Time, []byte, error) {
	if len(b) < timeSize {
		return time.Time{}, nil, corruptf("truncated date")
	}
	sec := int64(binary.BigEndian.Uint64(b) ^ signBit)
	nsec := binary.BigEndian.Uint32(b[8:])
	if nsec >= nanosPerSecond {
		return time.Time{}, nil, corruptf("date nanoseconds out of range")
	}
	return time.Unix(sec, int64(nsec)).UTC(), b[timeSize:], nil
}
