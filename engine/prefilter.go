package engine

import (
	"github.com/relstore/relstore/filter"
)

// A full scan of a store that keeps records encoded (Pebble) decodes every
// record it visits, and a selective where clause throws most of them away
// (Q4 of the benchmark workload keeps one order in five). A prefilter tests
// the clause on the few properties it reads, decoded alone from the stored
// bytes, and lets the scan skip the full decode of a record that cannot
// match. It never decides a match: a record that passes is decoded whole
// and tested again, so the answer is the clause's own.

// prefilter is the where clause of one scan, tested on the stored bytes of
// a record. It is used by one goroutine (its scratch map is reused).
type prefilter struct {
	names []string // the top-level properties the clause reads
	cw    *filter.Compiled
	m     map[string]any // scratch: the decoded properties of one record
	// eqs, when the clause is nothing but top-level string equalities
	// ({"status": "shipped"}, AND-ed), are tested on the stored bytes
	// themselves (rawStringEqs); records they cannot decide take the
	// general path.
	eqs []rawEq

	seen, rejected int
	off            bool // the clause rejects too little to pay (see pass)
}

// A record that passes the prefilter has the clause's properties decoded
// twice. A scan whose prefilter rejected fewer than one in
// prefilterMinRejectShare of its first prefilterProbe records stops
// prefiltering.
const (
	prefilterProbe          = 64
	prefilterMinRejectShare = 4
)

// maxPrefilterNames bounds the properties a prefilter decodes; a clause
// reading more is tested on the whole record only.
const maxPrefilterNames = 8

// newPrefilter returns the prefilter of where (compiled as cw), or nil when
// it has none: no clause, a clause with a relation condition (whose answer
// depends on other records), or one reading more than maxPrefilterNames
// properties. A pure clause reads nothing of a record but the values at the
// paths of its conditions, so its answer on the record's properties named
// by the paths' first elements is its answer on the record.
func newPrefilter(where filter.Node, cw *filter.Compiled) *prefilter {
	if where == nil {
		return nil
	}
	var names []string
	var walk func(n filter.Node) bool
	walk = func(n filter.Node) bool {
		switch x := n.(type) {
		case *filter.And:
			for _, c := range x.Nodes {
				if !walk(c) {
					return false
				}
			}
			return true
		case *filter.Or:
			for _, c := range x.Nodes {
				if !walk(c) {
					return false
				}
			}
			return true
		case *filter.Cond:
			if len(x.Path) == 0 {
				return false
			}
			for _, s := range names {
				if s == x.Path[0] {
					return true
				}
			}
			names = append(names, x.Path[0])
			return len(names) <= maxPrefilterNames
		}
		return false
	}
	if !walk(where) || len(names) == 0 {
		return nil
	}
	eqs, _ := stringEqs(where)
	return &prefilter{names: names, cw: cw, m: make(map[string]any, len(names)), eqs: eqs}
}

// rawEq is a top-level string equality {name: val}.
type rawEq struct{ name, val string }

// stringEqs returns the conditions of where when it is nothing but
// top-level equalities with a string ({p: "text"}, possibly AND-ed),
// which hold exactly when the stored value is that string or, stored as
// anything but a string, when the general test says so (compileCond).
func stringEqs(where filter.Node) ([]rawEq, bool) {
	switch x := where.(type) {
	case *filter.Cond:
		if s, ok := x.Value.(string); ok && x.Op == filter.OpEq && len(x.Path) == 1 {
			return []rawEq{{x.Path[0], s}}, true
		}
	case *filter.And:
		var out []rawEq
		for _, c := range x.Nodes {
			e, ok := stringEqs(c)
			if !ok {
				return nil, false
			}
			out = append(out, e...)
		}
		return out, len(out) > 0
	}
	return nil, false
}

// rawStringEqs tests eqs on the stored record b without decoding it:
// decided is false when the bytes alone cannot say (a property missing,
// stored as anything but a string or more than once, or bytes it cannot
// read), and pass then means nothing.
func rawStringEqs(b []byte, eqs []rawEq) (pass, decided bool) {
	if len(eqs) > 64 {
		return false, false
	}
	d := mpDecoder{b: b}
	n, isNil, err := d.recordHeader()
	if err != nil || isNil || n < 0 || n > (len(b)-d.off)/2 {
		return false, false
	}
	var seen uint64 // eqs whose property was read
	pass = true
	for range n {
		k, ok := d.rawKey()
		if !ok {
			return false, false
		}
		found := false
		for i, e := range eqs {
			if string(k) != e.name { // no allocation
				continue
			}
			if !found {
				found = true
				if !d.need(1) || !isMsgpackStr(d.b[d.off]) {
					return false, false // not a string: the general test decides
				}
			}
			if seen&(1<<i) != 0 {
				return false, false // stored twice: the full decode takes the later
			}
			seen |= 1 << i
		}
		if !found {
			if !d.skip(1) {
				return false, false
			}
			continue
		}
		v, ok := d.rawKey() // a string value reads as a key does
		if !ok {
			return false, false
		}
		for _, e := range eqs {
			if string(k) == e.name && string(v) != e.val {
				pass = false
			}
		}
	}
	if d.off != len(b) || seen != 1<<len(eqs)-1 {
		return false, false
	}
	return pass, true
}

// isMsgpackStr reports whether c starts a msgpack string.
func isMsgpackStr(c byte) bool {
	return (c >= 0xa0 && c <= 0xbf) || c == mpStr8 || c == mpStr16 || c == mpStr32
}

// pass reports whether the record stored as raw may match: false only when
// the clause, tested on the record's properties it reads, fails. Once a
// scan has shown the clause to reject too little, everything passes
// untested. Bytes it
// cannot read (corrupt, or of a shape it does not handle) pass, for the
// full decode to report or handle.
func (p *prefilter) pass(raw []byte) bool {
	if p == nil || p.off {
		return true
	}
	if p.seen == prefilterProbe && p.rejected*prefilterMinRejectShare < prefilterProbe {
		p.off = true
		return true
	}
	p.seen++
	if p.eqs != nil {
		if pass, decided := rawStringEqs(raw, p.eqs); decided {
			if !pass {
				p.rejected++
			}
			return pass
		}
	}
	clear(p.m)
	if !decodeFields(raw, p.names, p.m) {
		return true
	}
	if ok, err := p.cw.Match(p.m, nil); ok || err != nil {
		return true
	}
	p.rejected++
	return false
}

// decodeFields decodes into m the top-level properties of the stored record
// b named in names, skipping every other value undecoded (a later duplicate
// key wins, as in a full decode). It returns false when b is not a record
// it can read so: corrupt bytes, or a key that is not a string.
func decodeFields(b []byte, names []string, m map[string]any) bool {
	d := mpDecoder{b: b}
	n, isNil, err := d.recordHeader()
	if err != nil {
		return false
	}
	if isNil {
		return d.off == len(b)
	}
	if n < 0 || n > (len(b)-d.off)/2 {
		return false
	}
	for range n {
		k, ok := d.rawKey()
		if !ok {
			return false
		}
		i := -1
		for j, s := range names {
			if string(k) == s { // no allocation
				i = j
				break
			}
		}
		if i < 0 {
			if !d.skip(1) {
				return false
			}
			continue
		}
		v, err := d.value(1)
		if err != nil {
			return false
		}
		m[names[i]] = v
	}
	return d.off == len(b)
}

// rawKey reads a map key of string or bin type (nil reads as ""), as the
// full decoder does, without interning it; ok is false for any other key
// type or truncated input.
func (d *mpDecoder) rawKey() ([]byte, bool) {
	if !d.need(1) {
		return nil, false
	}
	c := d.b[d.off]
	d.off++
	var n int
	ok := true
	switch {
	case c >= 0xa0 && c <= 0xbf:
		n = int(c & 0x1f)
	case c == mpStr8 || c == mpBin8:
		n, ok = d.u8()
	case c == mpStr16 || c == mpBin16:
		n, ok = d.u16()
	case c == mpStr32 || c == mpBin32:
		var v uint32
		v, ok = d.u32()
		n = int(v)
	case c == mpNil:
		return nil, true
	default:
		return nil, false
	}
	if !ok || !d.need(n) {
		return nil, false
	}
	k := d.b[d.off : d.off+n]
	d.off += n
	return k, true
}

// skip moves past one value (depth is the nesting level of the container
// it is in) without decoding it; false on corrupt input.
func (d *mpDecoder) skip(depth int) bool {
	if !d.need(1) {
		return false
	}
	c := d.b[d.off]
	d.off++
	switch {
	case c <= 0x7f || c >= 0xe0:
		return true
	case c <= 0x8f:
		return d.skipN(2*int(c&0x0f), depth+1)
	case c <= 0x9f:
		return d.skipN(int(c&0x0f), depth+1)
	case c <= 0xbf:
		return d.skipBytes(int(c & 0x1f))
	}
	switch c {
	case mpNil, mpFalse, mpTrue:
		return true
	case mpUint8, mpInt8:
		return d.skipBytes(1)
	case mpUint16, mpInt16:
		return d.skipBytes(2)
	case mpFloat32, mpUint32, mpInt32:
		return d.skipBytes(4)
	case mpFloat64, mpUint64, mpInt64:
		return d.skipBytes(8)
	case mpStr8, mpBin8:
		n, ok := d.u8()
		return ok && d.skipBytes(n)
	case mpStr16, mpBin16:
		n, ok := d.u16()
		return ok && d.skipBytes(n)
	case mpStr32, mpBin32:
		n, ok := d.u32()
		return ok && d.skipBytes(int(n))
	case mpArray16:
		n, ok := d.u16()
		return ok && d.skipN(n, depth+1)
	case mpArray32:
		n, ok := d.u32()
		return ok && d.skipN(int(n), depth+1)
	case mpMap16:
		n, ok := d.u16()
		return ok && d.skipN(2*n, depth+1)
	case mpMap32:
		n, ok := d.u32()
		return ok && d.skipN(2*int(n), depth+1)
	case mpFixExt1, mpFixExt2, mpFixExt4, mpFixExt8, mpFixExt16:
		return d.skipBytes(1 + 1<<(c-mpFixExt1))
	case mpExt8:
		n, ok := d.u8()
		return ok && d.skipBytes(1+n)
	case mpExt16:
		n, ok := d.u16()
		return ok && d.skipBytes(1+n)
	case mpExt32:
		n, ok := d.u32()
		return ok && d.skipBytes(1+int(n))
	}
	return false
}

// skipN skips n values of a container at depth.
func (d *mpDecoder) skipN(n, depth int) bool {
	if depth > maxNesting || n < 0 || n > len(d.b)-d.off {
		return false
	}
	for range n {
		if !d.skip(depth) {
			return false
		}
	}
	return true
}

// skipBytes skips n bytes.
func (d *mpDecoder) skipBytes(n int) bool {
	if !d.need(n) {
		return false
	}
	d.off += n
	return true
}
