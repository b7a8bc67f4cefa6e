package filter

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ArrayLimit is the largest index qs turns into an array position
// (LoopBack 3's qs arrayLimit); a[1001]=x makes the key "1001" of an object.
const ArrayLimit = 1000

// MaxQueryParams is the largest number of parameters ParseQuery accepts.
// qs (parameterLimit 1000) silently drops the parameters after the 1000th;
// relstore refuses the query string instead (TOO_MANY_PARAMETERS).
const MaxQueryParams = 1000

// ParseQuery parses a URL query string (without or with its leading "?")
// as Express 4's extended parser (qs) does for LoopBack 3:
//
//   - parameters are split on "&"; a key runs to the first "=", or to the
//     "=" of the first "]=" when there is one; "+" is a space and
//     %-escapes are decoded as decodeURIComponent (a malformed escape
//     leaves the text as it is);
//   - repeated keys make an array (include=a&include=b);
//   - brackets nest: filter[where][age][gt]=21 gives
//     {"filter": {"where": {"age": {"gt": "21"}}}}; a[]=x appends; a[0]=x
//     and a[1]=y make an array, index gaps are compacted, indices above
//     ArrayLimit make object keys; text between bracket groups is dropped
//     and "__proto__" keys are ignored, as in qs;
//   - unlike qs, brackets nest to any depth (qs folds everything after the
//     fifth level into one literal key, which then matches nothing).
//
// Values stay strings (Parse coerces them by declared type). The result is
// a fresh map owned by the caller. The only error is TOO_MANY_PARAMETERS.
func ParseQuery(rawQuery string) (map[string]any, error) {
	rawQuery = strings.TrimPrefix(rawQuery, "?")
	type param struct {
		key string
		val any // string or *qsArray of strings
	}
	var params []*param
	byKey := map[string]*param{}
	count := 0
	for _, part := range strings.Split(rawQuery, "&") {
		if part == "" {
			continue
		}
		count++
		if count > MaxQueryParams {
			return nil, errorf(CodeTooManyParameters, "", "The query string has more than %d parameters", MaxQueryParams)
		}
		pos := strings.Index(part, "]=")
		if pos >= 0 {
			pos++
		} else {
			pos = strings.IndexByte(part, '=')
		}
		var key, val string
		if pos < 0 {
			key = qsDecode(part)
		} else {
			key, val = qsDecode(part[:pos]), qsDecode(part[pos+1:])
		}
		if p, ok := byKey[key]; ok {
			arr, isArr := p.val.(*qsArray)
			if !isArr {
				arr = &qsArray{}
				arr.push(p.val)
				p.val = arr
			}
			arr.push(val)
			continue
		}
		p := &param{key: key, val: val}
		byKey[key] = p
		params = append(params, p)
	}
	var obj any = map[string]any{}
	for _, p := range params {
		if v := qsParseKey(p.key, p.val); v != nil {
			obj = qsMerge(obj, v)
		}
	}
	out, _ := qsCompact(obj).(map[string]any)
	if out == nil {
		out = map[string]any{}
	}
	return out, nil
}

// qsArray is a JavaScript array while qs builds it: it may have holes.
type qsArray struct {
	items  map[int]any
	length int
}

func (a *qsArray) push(v any) {
	a.set(a.length, v)
}

func (a *qsArray) set(i int, v any) {
	if a.items == nil {
		a.items = map[int]any{}
	}
	a.items[i] = v
	if i >= a.length {
		a.length = i + 1
	}
}

// indices returns the defined positions in order.
func (a *qsArray) indices() []int {
	idx := make([]int, 0, len(a.items))
	for i := range a.items {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	return idx
}

// qsDecode replaces "+" by a space and decodes %-escapes as
// decodeURIComponent; on a malformed escape or invalid UTF-8 the text is
// returned with only the "+" replaced.
func qsDecode(s string) string {
	s = strings.ReplaceAll(s, "+", " ")
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	var run []byte // bytes of consecutive escapes
	flush := func() bool {
		if len(run) > 0 {
			if !utf8.Valid(run) {
				return false
			}
			b.Write(run)
			run = run[:0]
		}
		return true
	}
	for i := 0; i < len(s); i++ {
		if s[i] == '%' {
			if i+2 >= len(s) {
				return s
			}
			hi, lo := unhex(s[i+1]), unhex(s[i+2])
			if hi < 0 || lo < 0 {
				return s
			}
			run = append(run, byte(hi<<4|lo))
			i += 2
			continue
		}
		if !flush() {
			return s
		}
		b.WriteByte(s[i])
	}
	if !flush() {
		return s
	}
	return b.String()
}

func unhex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// qsBracket is qs's bracket-group expression.
var qsBracket = regexp.MustCompile(`\[[^\[\]]*\]`)

// qsParseKey builds the nested value for one key (qs parseKeys and
// parseObject, without the depth limit).
func qsParseKey(key string, val any) any {
	if key == "" {
		return nil
	}
	var chain []string
	groups := qsBracket.FindAllStringIndex(key, -1)
	parent := key
	if len(groups) > 0 {
		parent = key[:groups[0][0]]
	}
	if parent != "" {
		chain = append(chain, parent)
	}
	for _, g := range groups {
		chain = append(chain, key[g[0]:g[1]])
	}
	leaf := val
	for i := len(chain) - 1; i >= 0; i-- {
		root := chain[i]
		if root == "[]" {
			arr := &qsArray{}
			if a, ok := leaf.(*qsArray); ok {
				for _, j := range a.indices() {
					arr.push(a.items[j])
				}
			} else {
				arr.push(leaf)
			}
			leaf = arr
			continue
		}
		clean := root
		if strings.HasPrefix(root, "[") && strings.HasSuffix(root, "]") && len(root) >= 2 {
			clean = root[1 : len(root)-1]
		}
		if idx, ok := arrayIndex(clean); ok && root != clean && idx <= ArrayLimit {
			arr := &qsArray{}
			arr.set(idx, leaf)
			leaf = arr
			continue
		}
		obj := map[string]any{}
		if clean != "__proto__" {
			obj[clean] = leaf
		}
		leaf = obj
	}
	return leaf
}

func qsIsObject(v any) bool {
	switch v.(type) {
	case map[string]any, *qsArray:
		return true
	}
	return false
}

// qsMerge is qs's utils.merge.
func qsMerge(target, source any) any {
	if s, ok := source.(string); ok {
		if s == "" {
			return target // if (!source) return target
		}
		switch t := target.(type) {
		case *qsArray:
			t.push(s)
			return t
		case map[string]any:
			if s != "__proto__" {
				t[s] = true
			}
			return t
		}
		arr := &qsArray{}
		arr.push(target)
		arr.push(s)
		return arr
	}
	if !qsIsObject(target) {
		// [target].concat(source)
		arr := &qsArray{}
		arr.push(target)
		if sa, ok := source.(*qsArray); ok {
			base := arr.length
			for _, i := range sa.indices() {
				arr.set(base+i, sa.items[i])
			}
			arr.length = base + sa.length
		} else {
			arr.push(source)
		}
		return arr
	}
	ta, targetIsArr := target.(*qsArray)
	sa, sourceIsArr := source.(*qsArray)
	if targetIsArr && sourceIsArr {
		for _, i := range sa.indices() {
			item := sa.items[i]
			if cur, ok := ta.items[i]; ok {
				if qsIsObject(cur) && qsIsObject(item) {
					ta.items[i] = qsMerge(cur, item)
				} else {
					ta.push(item)
				}
			} else {
				ta.set(i, item)
			}
		}
		return ta
	}
	var acc map[string]any
	if targetIsArr {
		acc = map[string]any{}
		for _, i := range ta.indices() {
			acc[strconv.Itoa(i)] = ta.items[i]
		}
	} else {
		acc = target.(map[string]any)
	}
	add := func(k string, v any) {
		if cur, ok := acc[k]; ok {
			acc[k] = qsMerge(cur, v)
		} else {
			acc[k] = v
		}
	}
	if sourceIsArr {
		for _, i := range sa.indices() {
			add(strconv.Itoa(i), sa.items[i])
		}
	} else {
		src := source.(map[string]any)
		for _, k := range sortedKeys(src) {
			add(k, src[k])
		}
	}
	return acc
}

// qsCompact turns qsArrays into []any without holes, recursively.
func qsCompact(v any) any {
	switch x := v.(type) {
	case *qsArray:
		out := make([]any, 0, len(x.items))
		for _, i := range x.indices() {
			out = append(out, qsCompact(x.items[i]))
		}
		return out
	case map[string]any:
		for k, e := range x {
			x[k] = qsCompact(e)
		}
		return x
	}
	return v
}
