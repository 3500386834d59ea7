package config

import (
	"fmt"
	"strconv"
	"strings"
)

// Reader reads the members of one JSON object. Accessors take the member's key, a default
// and options; on any problem they record it (see Err) and return the default, so a parse
// function reads every field and reports every problem in one go.
//
// The readers of one document (the one NewReader returns and those Object, Array and Map
// hand out for nested objects) share their problems and warnings.
type Reader struct {
	path    string
	members []member
	used    []bool   // parallel to members: the plugin asked for this key
	asked   []string // keys asked for but absent, for "did you mean"
	doc     *document
}

// document is what the readers of one configuration share.
type document struct {
	problems []Problem
	warnings []Problem // from Warnf
	readers  []*Reader // every object visited, for unknown-field warnings
}

// NewReader parses raw, which must be a JSON object. Invalid JSON is an error naming the
// line, column and path where it goes wrong; so are invalid UTF-8, duplicate keys and
// nesting deeper than 100 levels.
func NewReader(raw []byte) (*Reader, error) { return NewReaderAt(raw, "") }

// NewReaderAt is NewReader for an object that sits at path in a larger configuration:
// every problem and warning is reported under path (sdkwrap/rules reads each _rules_ entry
// so, as "_rules_[2]"). Build path with JoinKey and JoinIndex.
func NewReaderAt(raw []byte, path string) (*Reader, error) {
	v, serr := parse(raw)
	if serr != nil {
		line, col := lineColumn(raw, serr.off)
		return nil, Errors{{
			Path:   joinPath(path, serr.path),
			Reason: fmt.Sprintf("invalid JSON at line %d, column %d: %s", line, col, serr.msg),
		}}
	}
	if v.kind != kindObject {
		return nil, Errors{{Path: path, Reason: "want a JSON object, got " + v.kind.String()}}
	}
	return newReader(&document{}, path, v.members), nil
}

// joinPath appends a path relative to base ("a[1].b" or `["x.y"]`) to base.
func joinPath(base, rel string) string {
	if base == "" || rel == "" || strings.HasPrefix(rel, "[") {
		return base + rel
	}
	return base + "." + rel
}

func newReader(doc *document, path string, members []member) *Reader {
	r := &Reader{path: path, members: members, used: make([]bool, len(members)), doc: doc}
	doc.readers = append(doc.readers, r)
	return r
}

// Path is where this reader's object sits: "" for the top level, "consumers[2]" for an
// element handed out by Array.
func (r *Reader) Path() string { return r.path }

// Keys lists the keys of the object in document order, reserved ones included. It does not
// count as asking for them.
func (r *Reader) Keys() []string {
	keys := make([]string, len(r.members))
	for i, m := range r.members {
		keys[i] = m.key
	}
	return keys
}

// Has reports whether key is present and not null. It counts as asking for the key, so a
// key only tested for presence is not reported as unknown.
func (r *Reader) Has(key string) bool {
	v, _ := r.field(key)
	return v != nil
}

// field looks key up, marking it asked for. Absent and null both give nil: null means
// "use the default" everywhere, which also lets a rule reset a global key (sdkwrap/rules).
func (r *Reader) field(key string) (*value, string) {
	path := JoinKey(r.path, key)
	for i := range r.members {
		if r.members[i].key == key {
			r.used[i] = true
			if r.members[i].val.kind == kindNull {
				return nil, path
			}
			return &r.members[i].val, path
		}
	}
	r.asked = append(r.asked, key)
	return nil, path
}

// Failf records a problem at key (relative to this reader; "" for the object itself), for
// the checks only the plugin can make: duplicates, fields that exclude each other.
func (r *Reader) Failf(key, format string, args ...any) {
	r.fail(r.keyPath(key), fmt.Sprintf(format, args...))
}

// FailItemf records a problem at element i of the list at key: "keys[2]: ...".
func (r *Reader) FailItemf(key string, i int, format string, args ...any) {
	r.fail(JoinIndex(r.keyPath(key), i), fmt.Sprintf(format, args...))
}

// Warnf records a warning at key (relative to this reader; "" for the object itself): a
// deprecated field, a setting that makes no sense but does no harm.
func (r *Reader) Warnf(key, format string, args ...any) {
	r.doc.warnings = append(r.doc.warnings, Problem{Path: r.keyPath(key), Reason: fmt.Sprintf(format, args...)})
}

func (r *Reader) keyPath(key string) string {
	if key == "" {
		return r.path
	}
	return JoinKey(r.path, key)
}

func (r *Reader) fail(path, reason string) {
	r.doc.problems = append(r.doc.problems, Problem{Path: path, Reason: reason})
}

// Err returns the problems found so far in the whole document, as Errors, or nil.
func (r *Reader) Err() error {
	if len(r.doc.problems) == 0 {
		return nil
	}
	return append(Errors(nil), r.doc.problems...)
}

// Warnings returns what Warnf recorded, then one warning per unknown field: every key of
// every object read so far that the plugin never asked for, a typo most often. Keys that
// start with '_' are reserved (_rules_, _match_route_, ...) and never reported. Call it
// after reading everything.
func (r *Reader) Warnings() []Problem {
	const maxSuggestions = 100 // bounds the edit-distance work on absurd inputs
	out := append([]Problem(nil), r.doc.warnings...)
	suggested := 0
	for _, rd := range r.doc.readers {
		for i, m := range rd.members {
			if rd.used[i] || strings.HasPrefix(m.key, "_") {
				continue
			}
			reason := "unknown field"
			if suggested < maxSuggestions {
				if s := rd.suggest(m.key); s != "" {
					reason += "; did you mean " + strconv.Quote(s) + "?"
					suggested++
				}
			}
			out = append(out, Problem{Path: JoinKey(rd.path, m.key), Reason: reason})
		}
	}
	return out
}

// wantGot is the message for a value of the wrong JSON type. It never shows the value,
// which may be a secret.
func wantGot(want string, v *value) string {
	return "want " + want + ", got " + v.kind.String()
}
