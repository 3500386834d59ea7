package main

import (
	"fmt"
	"math/bits"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// automaton finds many fixed strings in one pass over a text: an Aho-Corasick automaton
// compiled, at configure time, into a dense table indexed by state and byte class. A
// request's text is read once, one table lookup per byte, however many rules there are.
//
// Its patterns are of two kinds: substring rules (block_urls, block_headers, block_bodies),
// which block as soon as one is seen, and the required literals of regexps (literal.go),
// which only mark their regexp as worth running.
type automaton struct {
	// The byte classes map a byte to its column. Bytes no pattern uses share column 0.
	// In folding mode an upper-case ASCII letter shares its lower-case letter's column,
	// which folds ASCII text as it is read.
	//   - class is for text as it comes: in folding mode a non-ASCII byte leads to the stop
	//     state (its rune must be folded first);
	//   - classFolded is for text that needs no folding (folded already, or any text when
	//     the automaton does not fold): non-ASCII bytes have the patterns' columns;
	//   - classJSON and classFoldedJSON are the same for the content of a JSON string, where
	//     a backslash starts an escape: it leads to the stop state too.
	class, classFolded, classJSON, classFoldedJSON [256]uint32
	// start is 1 for the bytes that lead anywhere from the initial state: the scan skips
	// the others without following the table.
	start [256]uint8
	// For long texts, one of two filters lets the scan skip most bytes in the initial
	// state. When every pattern has at least 4 bytes, shift (Wu-Manber): for the two bytes
	// b0 b1 at window+minLen-2, no pattern starts before window+shift[b0|b1<<8]. Otherwise
	// pairs: 1 for the two bytes b0 b1 at which a pattern may start.
	shift  *[1 << 16]uint8
	minLen int
	pairs  *[1 << 16]uint8
	width  int      // number of columns
	trans  []uint32 // trans[state+class] is the next state; states are row offsets
	first  uint32   // states from first on report something
	stop   uint32   // where the scan stops to fold text or decode an escape (no row of its own)
	hits   []hit    // hits[(state-first)/width]
	fold   bool     // patterns are folded (fold.go); the input is folded as it is read
}

// hit is what reaching a state reports.
type hit struct {
	rule int32   // the smallest substring-rule index whose pattern ends here, or -1
	trig []int32 // the regexps whose required literal ends here
}

// pattern is one string for the automaton: a substring rule (rule >= 0) or a regexp's
// required literal (trig >= 0).
type pattern struct {
	text       string
	rule, trig int32
}

// The automaton's bounds: states (about the bytes of all patterns of one rule kind) and
// table entries, 4 bytes each (states times byte classes: 16 MiB).
const (
	maxStates  = 1<<16 - 1
	maxEntries = 1 << 22
)

// compileAutomaton builds the automaton for patterns, which must be non-empty and, when fold
// is set, already folded. withPairs builds the two-byte filter, 64 KiB, for long texts.
func compileAutomaton(patterns []pattern, fold, withPairs bool) (*automaton, error) {
	a := &automaton{fold: fold}
	var used [256]bool
	for _, p := range patterns {
		for i := 0; i < len(p.text); i++ {
			used[p.text[i]] = true
		}
	}
	// Columns: 0, the patterns' ASCII bytes (all their bytes without folding), the stop
	// column, then in folding mode the patterns' non-ASCII bytes.
	w := 1
	for b := 0; b < 256; b++ {
		if used[b] && !(fold && b >= utf8.RuneSelf) {
			a.class[b] = uint32(w)
			w++
		}
	}
	if fold {
		for b := 'A'; b <= 'Z'; b++ {
			a.class[b] = a.class[b+'a'-'A']
		}
	}
	stopCol := w
	w++
	a.classFolded = a.class
	if fold {
		for b := utf8.RuneSelf; b < 256; b++ {
			a.class[b] = uint32(stopCol)
			if used[b] {
				a.classFolded[b] = uint32(w)
				w++
			}
		}
	}
	a.width = w
	a.classJSON, a.classFoldedJSON = a.class, a.classFolded
	a.classJSON['\\'], a.classFoldedJSON['\\'] = uint32(stopCol), uint32(stopCol)
	folded := a.classFolded

	// The trie: next[state*width+class], -1 where there is no edge yet.
	next := make([]int32, w)
	for i := range next {
		next[i] = -1
	}
	ownRule := []int32{-1}
	ownTrig := [][]int32{nil}
	for _, p := range patterns {
		s := int32(0)
		for i := 0; i < len(p.text); i++ {
			c := int(folded[p.text[i]])
			t := next[int(s)*w+c]
			if t < 0 {
				if len(ownRule) >= maxStates || (len(ownRule)+2)*w > maxEntries {
					return nil, fmt.Errorf("the rules are too long: their automaton would need over %d states or %d MiB", maxStates, maxEntries*4>>20)
				}
				t = int32(len(ownRule))
				next[int(s)*w+c] = t
				ownRule = append(ownRule, -1)
				ownTrig = append(ownTrig, nil)
				for j := 0; j < w; j++ {
					next = append(next, -1)
				}
			}
			s = t
		}
		if p.rule >= 0 && (ownRule[s] < 0 || p.rule < ownRule[s]) {
			ownRule[s] = p.rule
		}
		if p.trig >= 0 {
			ownTrig[s] = append(ownTrig[s], p.trig)
		}
	}

	// Breadth first: failure links, then every missing edge is the failure state's edge,
	// which makes the trie a complete automaton. A state also reports what its failure
	// state reports (the patterns that end at the same place, shorter).
	n := len(ownRule)
	fail := make([]int32, n)
	depth := make([]int32, n)
	rule := append([]int32(nil), ownRule...)
	trig := append([][]int32(nil), ownTrig...)
	queue := make([]int32, 0, n)
	for c := 0; c < w; c++ {
		if t := next[c]; t > 0 {
			depth[t] = 1
			queue = append(queue, t)
		} else {
			next[c] = 0
		}
	}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		f := fail[u]
		if rule[u] < 0 || rule[f] >= 0 && rule[f] < rule[u] {
			rule[u] = rule[f]
		}
		if len(trig[f]) > 0 {
			trig[u] = append(append([]int32(nil), trig[u]...), trig[f]...)
		}
		for c := 0; c < w; c++ {
			t := next[int(u)*w+c]
			if t < 0 {
				next[int(u)*w+c] = next[int(f)*w+c]
				continue
			}
			fail[t] = next[int(f)*w+c]
			depth[t] = depth[u] + 1
			queue = append(queue, t)
		}
	}

	// Number the reporting states last, so that the scan tests one comparison per byte,
	// then the stop state; a state is its row's offset in trans.
	order := make([]uint32, n) // old state -> new state
	quiet := 0
	for s := 0; s < n; s++ {
		if rule[s] < 0 && len(trig[s]) == 0 {
			order[s] = uint32(quiet * w)
			quiet++
		}
	}
	a.first = uint32(quiet * w)
	a.hits = make([]hit, n-quiet)
	k := quiet
	for s := 0; s < n; s++ {
		if rule[s] >= 0 || len(trig[s]) > 0 {
			order[s] = uint32(k * w)
			a.hits[k-quiet] = hit{rule: rule[s], trig: trig[s]}
			k++
		}
	}
	a.stop = uint32(n * w)
	a.trans = make([]uint32, (n+1)*w) // the stop state's row, zeros, is read by the 4-byte step
	for s := 0; s < n; s++ {
		row := a.trans[order[s] : int(order[s])+w]
		for c := 0; c < w; c++ {
			row[c] = order[next[s*w+c]]
		}
		row[stopCol] = a.stop
	}
	for b := 0; b < 256; b++ {
		if a.trans[a.classJSON[b]] != 0 || a.trans[a.classFoldedJSON[b]] != 0 {
			a.start[b] = 1
		}
	}
	if withPairs {
		a.buildFilter(patterns, second(depth, order, n, w))
	}
	return a, nil
}

// minShiftLen is the shortest pattern length for which the Wu-Manber shift pays.
const minShiftLen = 4

// second marks, by new state index, the states two bytes deep.
func second(depth []int32, order []uint32, n, w int) []bool {
	out := make([]bool, n+1)
	for s := 0; s < n; s++ {
		out[order[s]/uint32(w)] = depth[s] == 2
	}
	return out
}

// buildFilter builds shift or pairs (see automaton).
func (a *automaton) buildFilter(patterns []pattern, second []bool) {
	m := 255
	for _, p := range patterns {
		m = min(m, len(p.text))
	}
	if m >= minShiftLen {
		// Wu-Manber on the patterns' first m bytes, two-byte blocks: a block at offset j
		// of a window lets the window move by m-2-j; a block in no window, by m-1.
		var byBlock [1 << 16]uint8
		for i := range byBlock {
			byBlock[i] = uint8(m - 1)
		}
		for _, p := range patterns {
			for j := 0; j+2 <= m; j++ {
				k := int(p.text[j]) | int(p.text[j+1])<<8
				byBlock[k] = min(byBlock[k], uint8(m-2-j))
			}
		}
		a.shift, a.minLen = new([1 << 16]uint8), m
		for b0 := 0; b0 < 256; b0++ {
			for b1 := 0; b1 < 256; b1++ {
				if a.fold && (b0 >= utf8.RuneSelf || b1 >= utf8.RuneSelf) {
					continue // 0: text to fold first
				}
				a.shift[b0|b1<<8] = byBlock[a.foldByte(b0)|a.foldByte(b1)<<8]
			}
		}
		return
	}
	// A pattern may start at b0 if b0 leads to a state that reports (a one-byte pattern, or
	// the stop state), or b0 b1 to one that reports or is two bytes deep. Escapes stop
	// the scan (JSON classes), and a byte whose column differs in folded text stays.
	w := uint32(a.width)
	a.pairs = new([1 << 16]uint8)
	for b0 := 0; b0 < 256; b0++ {
		t0 := a.trans[a.classJSON[b0]]
		if t0 == 0 && a.trans[a.classFoldedJSON[b0]] == 0 {
			continue
		}
		for b1 := 0; b1 < 256; b1++ {
			t1 := a.trans[t0+a.classJSON[b1]]
			if t0 >= a.first || t1 >= a.first || second[t1/w] || a.trans[a.classFoldedJSON[b0]] != t0 {
				a.pairs[b0|b1<<8] = 1
			}
		}
	}
}

// foldByte is b as the patterns have it: lower case in folding mode.
func (a *automaton) foldByte(b int) int {
	if a.fold && 'A' <= b && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

// scan reads text and returns the index of the first substring rule it finds (the
// smallest index among those ending at the same byte), or -1. Every regexp whose required
// literal it passes on the way is marked in marks.
func (a *automaton) scan(text string, marks []uint64) int {
	_, rule := a.feed(0, text, marks, false)
	return rule
}

// scanJSON is scan for the content of a JSON string, still encoded, its escapes valid.
func (a *automaton) scanJSON(raw string, marks []uint64) int {
	_, rule := a.feed(0, raw, marks, true)
	return rule
}

// feed goes on from state s through text, folding it in folding mode, and returns the
// state reached and the substring rule found (or -1).
func (a *automaton) feed(s uint32, text string, marks []uint64, json bool) (uint32, int) {
	class, classFolded := &a.class, &a.classFolded
	if json {
		class, classFolded = &a.classJSON, &a.classFoldedJSON
	}
	s, i, rule := a.run(s, text, marks, class, json)
	if rule >= 0 || i == len(text) {
		return s, rule
	}
	// Folding mode, and a non-ASCII byte at i: fold the rest of the text and go on. (JSON
	// escapes survive folding: their letters are lower case, and hex digits stay hex.)
	rest := appendFolded(make([]byte, 0, len(text)-i+16), text[i:])
	s, _, rule = a.run(s, unsafe.String(unsafe.SliceData(rest), len(rest)), marks, classFolded, json)
	return s, rule
}

// run goes from state s through text with the byte classes class. It stops at a substring
// rule, or before a non-ASCII byte that needs folding; with json it decodes escapes on the
// way. It returns the state, where it stopped and the substring rule found (or -1).
//
// Go compiled to Wasm returns to a dispatch table at every loop iteration, which costs far
// more than the work of one byte: the loops below skip several bytes, or step four, per
// iteration without branches inside, and the careful byte-by-byte step only runs on the
// four bytes where a state reports something.
func (a *automaton) run(s uint32, text string, marks []uint64, class *[256]uint32, json bool) (uint32, int, int) {
	trans := unsafe.Pointer(unsafe.SliceData(a.trans))
	first, start := int64(a.first), &a.start
	n := len(text)
	base := unsafe.Pointer(unsafe.StringData(text))
	esc := -1 // json: the next backslash at or after i (n: none); -1: not looked for yet
	i := 0
	for i < n {
		if s == 0 {
			// The initial state stays where it is on most bytes: skip them. The shift
			// reads two bytes out of several, so in JSON it must not go past an escape.
			lim := n
			if json {
				if esc < i {
					if k := strings.IndexByte(text[i:], '\\'); k >= 0 {
						esc = i + k
					} else {
						esc = n
					}
				}
				lim = esc
			}
			if shift := a.shift; shift != nil {
				// Four shifts per iteration: a shift of 0 (a window where a pattern may
				// start) leaves the window where it is for the next ones.
				m := a.minLen
				at := unsafe.Add(base, m-2)
				for i+m+3*(m-1) <= lim {
					i += int(shift[*(*uint16)(unsafe.Add(at, i))])
					i += int(shift[*(*uint16)(unsafe.Add(at, i))])
					i += int(shift[*(*uint16)(unsafe.Add(at, i))])
					sh := shift[*(*uint16)(unsafe.Add(at, i))]
					if sh == 0 {
						break
					}
					i += int(sh)
				}
				for i+m <= lim {
					sh := shift[*(*uint16)(unsafe.Add(at, i))]
					if sh == 0 {
						break
					}
					i += int(sh)
				}
			} else if pairs := a.pairs; pairs != nil {
				for i+9 <= n {
					x := *(*uint64)(unsafe.Add(base, i))
					y := uint64(*(*uint8)(unsafe.Add(base, i+8)))
					if pairs[x&0xffff]|pairs[x>>8&0xffff]|pairs[x>>16&0xffff]|pairs[x>>24&0xffff]|
						pairs[x>>32&0xffff]|pairs[x>>40&0xffff]|pairs[x>>48&0xffff]|pairs[x>>56|y<<8] != 0 {
						break
					}
					i += 8
				}
			}
			for i+8 <= n {
				// One bit per byte that may start a pattern: the lowest is where to go.
				x := *(*uint64)(unsafe.Add(base, i))
				f := uint(start[x&0xff]) | uint(start[x>>8&0xff])<<1 | uint(start[x>>16&0xff])<<2 |
					uint(start[x>>24&0xff])<<3 | uint(start[x>>32&0xff])<<4 | uint(start[x>>40&0xff])<<5 |
					uint(start[x>>48&0xff])<<6 | uint(start[x>>56])<<7
				if f != 0 {
					i += bits.TrailingZeros(f)
					break
				}
				i += 8
			}
			for i < n && start[text[i]] == 0 {
				i++
			}
			if i == n {
				break
			}
		}
		if i+4 <= n {
			b := text[i : i+4]
			s1 := *(*uint32)(unsafe.Add(trans, 4*(s+class[b[0]])))
			s2 := *(*uint32)(unsafe.Add(trans, 4*(s1+class[b[1]])))
			s3 := *(*uint32)(unsafe.Add(trans, 4*(s2+class[b[2]])))
			s4 := *(*uint32)(unsafe.Add(trans, 4*(s3+class[b[3]])))
			// Negative when one of the four states reports something or is the stop
			// state (whose row of zeros the next step reads harmlessly).
			if (first-1-int64(s1))|(first-1-int64(s2))|(first-1-int64(s3))|(first-1-int64(s4)) >= 0 {
				s = s4
				i += 4
				continue
			}
		}
		for end := min(i+4, n); i < end; i++ {
			prev := s
			s = *(*uint32)(unsafe.Add(trans, 4*(s+class[text[i]])))
			if int64(s) < first {
				continue
			}
			if s != a.stop {
				if rule := a.report(s, marks); rule >= 0 {
					return s, i, rule
				}
				continue
			}
			if !json || text[i] != '\\' {
				return prev, i, -1 // a byte to fold
			}
			// An escape: step through the bytes of its character (classFolded folds an
			// ASCII one).
			if i+1 < n && simpleEscape[text[i+1]] != 0 {
				s = *(*uint32)(unsafe.Add(trans, 4*(prev+a.classFolded[simpleEscape[text[i+1]]])))
				if int64(s) >= first {
					if rule := a.report(s, marks); rule >= 0 {
						return s, i, rule
					}
				}
				i++
				continue
			}
			r, k := decodeEscape(text[i:])
			if a.fold {
				r = foldRune(r)
			}
			s = prev
			var buf [utf8.UTFMax]byte
			for _, c := range utf8.AppendRune(buf[:0], r) {
				s = a.trans[s+a.classFolded[c]]
				if int64(s) >= first {
					if rule := a.report(s, marks); rule >= 0 {
						return s, i, rule
					}
				}
			}
			i += k - 1
		}
	}
	return s, n, -1
}

// simpleEscape decodes the escapes of one ASCII character: \n is simpleEscape['n'].
var simpleEscape = [256]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

// report is what reaching state s (from first on, not stop) reports: a substring rule, or
// -1 after marking the regexps whose literal ends there.
func (a *automaton) report(s uint32, marks []uint64) int {
	h := &a.hits[(s-a.first)/uint32(a.width)]
	if h.rule >= 0 {
		return int(h.rule)
	}
	for _, t := range h.trig {
		marks[t>>6] |= 1 << (uint(t) & 63)
	}
	return -1
}
