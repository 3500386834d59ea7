package main

import (
	"bytes"
	"math/bits"
	"slices"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"

	"github.com/aiwasm/aiwasm/sdkwrap/jsonguard"
)

// bodyScan reads a request body in one pass, without a parse tree and, once its buffers
// have grown, without allocating. The pass validates the JSON as jsonguard.Valid does
// (gjson's grammar, nesting at most jsonguard.MaxDepth, with an explicit stack: a million
// '[' costs a thousand frames, then a refusal) and writes every value's canonical form
// (canonical.go) into out, in document order; an object below the top level is sorted
// when it closes. It keeps what the key needs (key.go): the top level's members, the first
// "messages", "logprobs" and "stream", and the contents of the user messages.
type bodyScan struct {
	// What the last scan found (valid only when it returned true).
	object   bool // the top level is an object
	messages span // canonical value of the first top-level "messages" (start -1: none)
	logprobs bool // the first top-level "logprobs" is true
	stream   bool // the first top-level "stream" is true
	// users are the contents of the user messages in messages, in order (start -1: a
	// user message without content).
	users []span
	// members are the top level's members, sorted by key (stable: duplicates keep their
	// order), spans of out; while scanning, the open objects' members follow them.
	members []member

	body  []byte  // the body scanned last (the keys without escapes)
	out   []byte  // canonical values
	keys  []byte  // decoded keys that had escapes (keys without are spans of body)
	stack []frame // open objects and arrays
	tmp   []byte  // an object's members while it is sorted
	first [3]int  // the first top-level messages, logprobs and stream (-1: none)
	next  kind    // what the next value is: the first top-level messages is watched
}

type span struct{ start, end int }

// member is one member of an object: its decoded key (keys[key] or body[key]) and its
// canonical `"key":value` at out[start:end], the value from val.
type member struct {
	key             span
	decoded         bool // the key is in keys, not body
	start, val, end int
}

// frame is an open object or array.
type frame struct {
	start  int // its '{' or '[' in out
	base   int // its first member in members
	keys   int // len(keys) when it opened
	kind   kind
	obj    bool
	sorted bool // its members so far are in key order
}

type kind uint8

const (
	plainValue kind = iota
	messagesArray
	messageObject // an element of messagesArray
)

// maxKept bounds the buffers a scan keeps for the next: a larger body's are dropped.
const maxKept = 256 << 10

// scan reports whether body is valid JSON (exactly what jsonguard.Valid accepts) and
// fills the scan's results.
func (s *bodyScan) scan(body []byte) bool {
	s.reset(body)
	b := body
	i := skipSpace(b, 0)
	s.object = i < len(b) && b[i] == '{'
	var closed, ok bool
	for {
		if i, closed, ok = s.value(b, i); !ok {
			return false
		}
		if !closed {
			continue // a container opened: its first value is at i
		}
		// A value ended: close the containers it ends, up to the next value.
		for {
			i = skipSpace(b, i)
			if len(s.stack) == 0 {
				return i == len(b) && s.finish()
			}
			if i == len(b) {
				return false
			}
			f := &s.stack[len(s.stack)-1]
			if f.obj {
				s.members[len(s.members)-1].end = len(s.out)
			}
			if b[i] == ',' {
				s.out = append(s.out, ',')
				i = skipSpace(b, i+1)
				if f.obj {
					if i, ok = s.key(b, i); !ok {
						return false
					}
				}
				break
			}
			if b[i] != '}' && b[i] != ']' || f.obj != (b[i] == '}') {
				return false
			}
			s.close()
			i++
		}
	}
}

func (s *bodyScan) reset(body []byte) {
	for _, buf := range []*[]byte{&s.out, &s.keys, &s.tmp} {
		if cap(*buf) > maxKept {
			*buf = nil
		}
	}
	if cap(s.members) > maxKept/64 {
		s.members = nil
	}
	s.body, s.out, s.keys, s.tmp = body, s.out[:0], s.keys[:0], s.tmp[:0]
	s.members, s.users, s.stack = s.members[:0], s.users[:0], s.stack[:0]
	s.first, s.next = [3]int{-1, -1, -1}, plainValue
	s.messages, s.logprobs, s.stream = span{-1, -1}, false, false
}

// value reads the value at i: a scalar is written whole (closed), a container is opened
// and, unless empty (closed), left open with i at its first value.
func (s *bodyScan) value(b []byte, i int) (next int, closed, ok bool) {
	k := s.next
	s.next = plainValue
	if i >= len(b) {
		return i, false, false
	}
	switch b[i] {
	case '{', '[':
		return s.open(b, i, k)
	case '"':
		i, _, ok = s.str(b, i+1)
		return i, true, ok
	case 't':
		return s.literal(b, i, "true")
	case 'f':
		return s.literal(b, i, "false")
	case 'n':
		return s.literal(b, i, "null")
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return s.number(b, i)
	}
	return i, false, false
}

func (s *bodyScan) open(b []byte, i int, k kind) (int, bool, bool) {
	if len(s.stack) == jsonguard.MaxDepth {
		return i, false, false
	}
	obj := b[i] == '{'
	switch {
	case obj && len(s.stack) > 0 && s.stack[len(s.stack)-1].kind == messagesArray:
		k = messageObject
	case obj:
		k = plainValue
	}
	s.stack = append(s.stack, frame{start: len(s.out), base: len(s.members), keys: len(s.keys), kind: k, obj: obj, sorted: true})
	s.out = append(s.out, b[i])
	i = skipSpace(b, i+1)
	if i < len(b) && (obj && b[i] == '}' || !obj && b[i] == ']') {
		s.close()
		return i + 1, true, true
	}
	if !obj {
		return i, false, true
	}
	i, ok := s.key(b, i)
	return i, false, ok
}

// key reads a member's key and colon, leaving i at its value.
func (s *bodyScan) key(b []byte, i int) (int, bool) {
	if i >= len(b) || b[i] != '"' {
		return i, false
	}
	m := member{start: len(s.out), key: span{i + 1, 0}}
	i, esc, ok := s.str(b, i+1)
	if !ok {
		return i, false
	}
	m.key.end = i - 1
	if esc {
		from := len(s.keys)
		s.keys = unescape(s.keys, b[m.key.start:m.key.end])
		m.key, m.decoded = span{from, len(s.keys)}, true
	}
	if i = skipSpace(b, i); i >= len(b) || b[i] != ':' {
		return i, false
	}
	s.out = append(s.out, ':')
	m.val = len(s.out)
	f := &s.stack[len(s.stack)-1]
	if n := len(s.members); n > f.base && bytes.Compare(s.keyOf(&s.members[n-1]), s.keyOf(&m)) > 0 {
		f.sorted = false
	}
	s.members = append(s.members, m)
	if len(s.stack) == 1 {
		s.topKey(len(s.members) - 1)
	}
	return skipSpace(b, i+1), true
}

// Indexes of bodyScan.first.
const (
	firstMessages = iota
	firstLogprobs
	firstStream
)

// topKey notes the top-level member n if it is the first messages, logprobs or stream
// (gjson's Get finds the first).
func (s *bodyScan) topKey(n int) {
	w := -1
	switch string(s.keyOf(&s.members[n])) {
	case "messages":
		w = firstMessages
	case "logprobs":
		w = firstLogprobs
	case "stream":
		w = firstStream
	}
	if w >= 0 && s.first[w] < 0 {
		s.first[w] = n
		if w == firstMessages {
			s.next = messagesArray
		}
	}
}

func (s *bodyScan) close() {
	f := &s.stack[len(s.stack)-1]
	if !f.obj {
		s.out = append(s.out, ']')
		s.stack = s.stack[:len(s.stack)-1]
		return
	}
	if len(s.stack) > 1 { // the top level's members stay, for the key
		ms := s.members[f.base:]
		if !f.sorted {
			s.sort(ms)
			s.rewrite(f.start+1, ms)
		}
		if f.kind == messageObject {
			s.noteMessage(ms)
		}
		s.members, s.keys = s.members[:f.base], s.keys[:f.keys]
	}
	s.out = append(s.out, '}')
	s.stack = s.stack[:len(s.stack)-1]
}

// sort orders members in document order by key, stably: gjson keeps duplicate keys, in
// their order. Few members are sorted by insertion, which the guest runs several times
// faster; many by pdqsort, the members' places in out breaking ties (a stable sort moves
// each member O(log n) times more).
func (s *bodyScan) sort(ms []member) {
	if len(ms) > 12 {
		slices.SortFunc(ms, func(a, b member) int {
			if c := bytes.Compare(s.keyOf(&a), s.keyOf(&b)); c != 0 {
				return c
			}
			return a.start - b.start
		})
		return
	}
	for i := 1; i < len(ms); i++ {
		for j := i; j > 0 && string(s.keyOf(&ms[j])) < string(s.keyOf(&ms[j-1])); j-- {
			ms[j], ms[j-1] = ms[j-1], ms[j]
		}
	}
}

// rewrite writes the sorted members again from out[from:], where they are in document
// order.
func (s *bodyScan) rewrite(from int, ms []member) {
	s.tmp = append(s.tmp[:0], s.out[from:]...)
	s.out = s.out[:from]
	for i := range ms {
		m := &ms[i]
		if i > 0 {
			s.out = append(s.out, ',')
		}
		start := len(s.out)
		s.out = append(s.out, s.tmp[m.start-from:m.end-from]...)
		m.start, m.val, m.end = start, start+m.val-m.start, len(s.out)
	}
}

// noteMessage keeps the content of a user message: its first role (first in key order,
// which is stable) is "user".
func (s *bodyScan) noteMessage(ms []member) {
	role, content := -1, -1
	for i := range ms {
		switch string(s.keyOf(&ms[i])) {
		case "role":
			if role < 0 {
				role = i
			}
		case "content":
			if content < 0 {
				content = i
			}
		}
	}
	if role < 0 || string(s.out[ms[role].val:ms[role].end]) != `"user"` {
		return
	}
	c := span{-1, -1}
	if content >= 0 {
		c = span{ms[content].val, ms[content].end}
	}
	s.users = append(s.users, c)
}

// finish reads the first top-level messages, logprobs and stream, and sorts the top
// level's members.
func (s *bodyScan) finish() bool {
	if !s.object {
		return true
	}
	val := func(n int) []byte {
		if n < 0 {
			return nil
		}
		return s.out[s.members[n].val:s.members[n].end]
	}
	if n := s.first[firstMessages]; n >= 0 {
		s.messages = span{s.members[n].val, s.members[n].end}
	}
	s.logprobs = string(val(s.first[firstLogprobs])) == "true"
	s.stream = string(val(s.first[firstStream])) == "true"
	s.sort(s.members)
	return true
}

// hasMessages reports whether the first top-level messages is a non-empty array.
func (s *bodyScan) hasMessages() bool {
	if s.messages.start < 0 {
		return false
	}
	m := s.out[s.messages.start:s.messages.end]
	return m[0] == '[' && len(m) > 2
}

func (s *bodyScan) keyOf(m *member) []byte {
	if m.decoded {
		return s.keys[m.key.start:m.key.end]
	}
	return s.body[m.key.start:m.key.end]
}

func (s *bodyScan) literal(b []byte, i int, word string) (int, bool, bool) {
	if string(b[i:min(i+len(word), len(b))]) != word {
		return i, false, false
	}
	s.out = append(s.out, word...)
	return i + len(word), true, true
}

// number reads a number (gjson's grammar: no leading zeros, no '+', digits around '.')
// and writes its canonical form.
func (s *bodyScan) number(b []byte, i int) (int, bool, bool) {
	start := i
	if b[i] == '-' {
		i++
	}
	if i >= len(b) || !isDigit(b[i]) {
		return i, false, false
	}
	if b[i] == '0' {
		i++
	} else {
		i = digits(b, i)
	}
	integer := true
	if i < len(b) && b[i] == '.' {
		integer = false
		if i++; i >= len(b) || !isDigit(b[i]) {
			return i, false, false
		}
		i = digits(b, i)
	}
	if i < len(b) && b[i]|0x20 == 'e' {
		integer = false
		if i++; i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || !isDigit(b[i]) {
			return i, false, false
		}
		i = digits(b, i)
	}
	s.out = appendNumber(s.out, b[start:i], integer)
	return i, true, true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func digits(b []byte, i int) int {
	for i < len(b) && isDigit(b[i]) {
		i++
	}
	return i
}

// str reads the string whose text starts at i (after its quote), writes its canonical
// form and returns the index after its closing quote and whether it had escapes. Text is
// copied in runs; only escapes, control characters (refused) and bytes over 0x7F stop a
// run.
func (s *bodyScan) str(b []byte, i int) (next int, escaped, ok bool) {
	out := append(s.out, '"')
	run := i
	for {
		i = plainRun(b, i)
		if i >= len(b) {
			break
		}
		switch c := b[i]; {
		case c == '"':
			s.out = append(append(out, b[run:i]...), '"')
			return i + 1, escaped, true
		case c == '\\':
			out = append(out, b[run:i]...)
			var r rune
			if r, i, ok = escape(b, i); !ok {
				return i, escaped, false
			}
			out, escaped, run = appendRune(out, r), true, i
		case c < 0x20:
			return i, escaped, false
		default: // a byte over 0x7F: valid UTF-8 is copied, each invalid byte is U+FFFD
			if n := utf8Len(b, i); n > 0 {
				i += n
				continue
			}
			out = append(append(out, b[run:i]...), `\ufffd`...)
			i++
			run = i
		}
	}
	return i, escaped, false
}

// plainRun returns the index of the first byte from i that is not printable ASCII other
// than '"' and '\\' (or len(b)). It tests 32 bytes at a time, then 8: Go's wasm compiler
// neither merges byte loads into words nor vectorises, so the words are read directly
// (wasm is little-endian and loads unaligned words, as do the hosts the native tests run
// on).
func plainRun(b []byte, i int) int {
	for ; i+32 <= len(b); i += 32 {
		p := unsafe.Pointer(&b[i])
		if special(load64(p, 0))|special(load64(p, 8))|special(load64(p, 16))|special(load64(p, 24)) != 0 {
			break
		}
	}
	for ; i+8 <= len(b); i += 8 {
		if sp := special(load64(unsafe.Pointer(&b[i]), 0)); sp != 0 {
			return i + bits.TrailingZeros64(sp)/8
		}
	}
	for i < len(b) && b[i] >= 0x20 && b[i] < 0x80 && b[i] != '"' && b[i] != '\\' {
		i++
	}
	return i
}

// special has the high bit of each byte of w set that is over 0x7F, under 0x20, '"' or
// '\\', and of no byte before the first such one (a subtraction borrows only from a byte
// that is one of these).
func special(w uint64) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	return (w | (w - 0x20*ones) | ((w ^ '"'*ones) - ones) | ((w ^ '\\'*ones) - ones)) & highs
}

// load64 is the little-endian word at p+off, within a slice (the caller's check).
func load64(p unsafe.Pointer, off uintptr) uint64 { return *(*uint64)(unsafe.Add(p, off)) }

// utf8Len is the length of the valid UTF-8 sequence at b[i] (a byte over 0x7F), 0 if it
// is not one. The common two- and three-byte forms are checked inline.
func utf8Len(b []byte, i int) int {
	c := b[i]
	switch {
	case c >= 0xC2 && c <= 0xDF && i+1 < len(b) && b[i+1]&0xC0 == 0x80:
		return 2
	case (c >= 0xE1 && c <= 0xEC || c == 0xEE || c == 0xEF) && i+2 < len(b) &&
		b[i+1]&0xC0 == 0x80 && b[i+2]&0xC0 == 0x80:
		return 3
	}
	if r, n := utf8.DecodeRune(b[i:]); r != utf8.RuneError || n > 1 {
		return n
	}
	return 0
}

// escape decodes the escape at b[i] ('\\') as gjson does and returns the index after it.
// A \u escape of a UTF-16 surrogate takes the \u escape that follows, whatever it is, as
// its pair (an invalid pair is U+FFFD); a lone surrogate becomes U+FFFD when written.
func escape(b []byte, i int) (rune, int, bool) {
	if i+1 >= len(b) {
		return 0, i, false
	}
	switch b[i+1] {
	case '"', '\\', '/':
		return rune(b[i+1]), i + 2, true
	case 'b':
		return '\b', i + 2, true
	case 'f':
		return '\f', i + 2, true
	case 'n':
		return '\n', i + 2, true
	case 'r':
		return '\r', i + 2, true
	case 't':
		return '\t', i + 2, true
	case 'u':
		r, ok := hex4(b, i+2)
		if !ok {
			return 0, i, false
		}
		i += 6
		if utf16.IsSurrogate(r) && i+1 < len(b) && b[i] == '\\' && b[i+1] == 'u' {
			r2, ok := hex4(b, i+2)
			if !ok {
				return 0, i, false
			}
			r, i = utf16.DecodeRune(r, r2), i+6
		}
		return r, i, true
	}
	return 0, i, false
}

func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c|0x20 >= 'a' && c|0x20 <= 'f':
			c = c | 0x20 - 'a' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// unescape appends the decoded text of a valid string's escaped text.
func unescape(dst, text []byte) []byte {
	for i := 0; i < len(text); {
		if text[i] != '\\' {
			dst = append(dst, text[i])
			i++
			continue
		}
		var r rune
		r, i, _ = escape(text, i)
		dst = utf8.AppendRune(dst, r)
	}
	return dst
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t') {
		i++
	}
	return i
}
