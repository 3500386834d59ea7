package rules

import "strings"

// Every table answers one question for one kind of matcher: the lowest index of a rule
// below limit that the request matches, or limit when there is none. Entries are added in
// rule order, so a scan can stop at the first rule at or beyond limit; Match lowers limit
// table by table and ends with the first matching rule overall.

// nameTable matches exact names (routes, hosts). lengths has bit n%64 set when a name of
// length n is in the map, so most misses cost a shift instead of hashing the name.
type nameTable struct {
	index   map[string]int32
	lengths uint64
}

func newNameTable() nameTable { return nameTable{index: map[string]int32{}} }

func (t *nameTable) add(name string, index int32) {
	if _, ok := t.index[name]; !ok { // an earlier rule keeps the name
		t.index[name] = index
	}
	t.lengths |= 1 << (len(name) % 64)
}

// mayHave reports whether a name of length n can be in the table.
func (t *nameTable) mayHave(n int) bool { return t.lengths&(1<<(n%64)) != 0 }

func (t *nameTable) first(name string, limit int32) int32 {
	if !t.mayHave(len(name)) {
		return limit
	}
	if i, ok := t.index[name]; ok && i < limit {
		return i
	}
	return limit
}

// prefixTable matches names by prefix (route-name prefixes).
type prefixTable []prefixEntry

type prefixEntry struct {
	prefix string
	index  int32
}

func (t prefixTable) first(name string, limit int32) int32 {
	for _, e := range t {
		if e.index >= limit {
			break
		}
		if strings.HasPrefix(name, e.prefix) {
			return e.index
		}
	}
	return limit
}
