package main

import (
	"strconv"
	"strings"

	"github.com/aiwasm/aiwasm/sdkwrap/config"
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm"
	"github.com/tidwall/gjson"
)

// config.Reader hands out typed values only, and reading a value as the wrong type records a
// problem. Two things here need more: options and defaults hold any JSON value (numbers,
// lists, objects) that goes into request bodies as written, and a few fields take one of two
// shapes (provider: a name or Higress's object; fallback_strategy: a name or a list). Both
// are read from the raw configuration with gjson, at the path of the config.Reader that
// reads the same object, so problems still carry the right JSON path.
//
// When sdkwrap/config grows a raw-value accessor, this file is what goes.

// rawScope is the configuration object one parse call reads, as raw JSON: the whole
// document for the global configuration, or, for a _rules_ entry, the global members with
// the rule's own keys laid over them (sdkwrap/rules merges top-level keys only).
type rawScope struct {
	global gjson.Result
	rule   gjson.Result // the _rules_ entry; absent for the global scope
	prefix string       // "" or "_rules_[i]": the reader path of the scope's root
}

// readRawConfig returns the plugin configuration the host holds; the framework read the
// same bytes to build the readers.
var readRawConfig = func() []byte {
	raw, err := proxywasm.GetPluginConfiguration()
	if err != nil || len(raw) == 0 {
		return []byte("{}")
	}
	return raw
}

// newRawScope is the scope a reader at path readerPath belongs to.
func newRawScope(doc []byte, readerPath string) rawScope {
	s := rawScope{global: gjson.ParseBytes(doc)}
	segs, ok := splitPath(readerPath)
	if ok && len(segs) >= 2 && segs[0].key == "_rules_" && segs[1].index >= 0 {
		s.rule = member(s.global, "_rules_")
		s.rule = element(s.rule, segs[1].index)
		s.prefix = config.JoinIndex("_rules_", segs[1].index)
	}
	return s
}

// at returns the raw value at a reader path (as config.Reader.Path and config.JoinKey
// build them), or a result that does not Exist.
func (s rawScope) at(path string) gjson.Result {
	rel, ok := strings.CutPrefix(path, s.prefix)
	if !ok {
		return gjson.Result{}
	}
	rel = strings.TrimPrefix(rel, ".")
	segs, ok := splitPath(rel)
	if !ok || len(segs) == 0 || segs[0].index >= 0 {
		return gjson.Result{}
	}
	var v gjson.Result
	if s.rule.Exists() {
		v = member(s.rule, segs[0].key)
	}
	if !v.Exists() {
		if segs[0].key == "_rules_" {
			return gjson.Result{}
		}
		v = member(s.global, segs[0].key)
	}
	for _, seg := range segs[1:] {
		if seg.index >= 0 {
			v = element(v, seg.index)
		} else {
			v = member(v, seg.key)
		}
	}
	return v
}

// field is the raw value of key in the object r reads.
func (s rawScope) field(r *config.Reader, key string) gjson.Result {
	return s.at(config.JoinKey(r.Path(), key))
}

// pathSegment is one step of a reader path: a key, or an index (index >= 0).
type pathSegment struct {
	key   string
	index int
}

// splitPath splits a reader path ("a.b[2]", `headers["x.y"]`) into its segments.
func splitPath(path string) ([]pathSegment, bool) {
	var segs []pathSegment
	for i := 0; i < len(path); {
		switch {
		case path[i] == '.' && i > 0:
			i++
		case path[i] == '[' && i+1 < len(path) && path[i+1] == '"':
			end := closingQuote(path, i+2)
			if end < 0 || end+1 >= len(path) || path[end+1] != ']' {
				return nil, false
			}
			key, err := strconv.Unquote(path[i+1 : end+1])
			if err != nil {
				return nil, false
			}
			segs = append(segs, pathSegment{key: key, index: -1})
			i = end + 2
			continue
		case path[i] == '[':
			end := strings.IndexByte(path[i:], ']')
			if end < 0 {
				return nil, false
			}
			n, err := strconv.Atoi(path[i+1 : i+end])
			if err != nil || n < 0 {
				return nil, false
			}
			segs = append(segs, pathSegment{index: n})
			i += end + 1
			continue
		}
		j := i
		for j < len(path) && path[j] != '.' && path[j] != '[' {
			j++
		}
		if j == i {
			return nil, false
		}
		segs = append(segs, pathSegment{key: path[i:j], index: -1})
		i = j
	}
	return segs, true
}

// closingQuote is the index of the quote ending a Go-quoted string whose content starts at
// i, or -1.
func closingQuote(s string, i int) int {
	for ; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}

// member is the value of key in object v, compared exactly (gjson paths would treat '.',
// '*' and '?' in the key as syntax).
func member(v gjson.Result, key string) gjson.Result {
	var out gjson.Result
	if !v.IsObject() {
		return out
	}
	v.ForEach(func(k, val gjson.Result) bool {
		if k.Str == key {
			out = val
			return false
		}
		return true
	})
	return out
}

// element is item i of array v.
func element(v gjson.Result, i int) gjson.Result {
	var out gjson.Result
	if !v.IsArray() {
		return out
	}
	n := 0
	v.ForEach(func(_, val gjson.Result) bool {
		if n == i {
			out = val
			return false
		}
		n++
		return true
	})
	return out
}

// compactJSON is a raw JSON value without insignificant whitespace.
func compactJSON(v gjson.Result) string {
	if v.Type != gjson.JSON {
		return v.Raw
	}
	return gjson.Get(v.Raw, "@ugly").Raw
}
