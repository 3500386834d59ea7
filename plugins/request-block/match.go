package main

import (
	"regexp"
	"strconv"
	"strings"
)

// matcher finds the first rule of one kind in a text: the URL rules (block_urls and
// block_regexp_urls), the header rules or the body rules (block_bodies and
// block_body_regexps). It is built once per configuration and only read afterwards.
type matcher struct {
	auto    *automaton // the substrings and the regexps' required literals; nil if none
	subs    []string   // label of each substring rule, "block_urls[2]"
	res     []*regexp.Regexp
	reNames []string // label of each regexp
	always  []bool   // per regexp: it has no required literal and runs on every text
}

// ruleList is one configured list: its key and its entries, as written.
type ruleList struct {
	key     string
	entries []string
}

// newMatcher builds the matcher of a substring list and a regexp list (either may be
// empty; regexps must be valid). With fold, matching ignores case (fold.go). long says the
// texts are long (bodies): the automaton gets its two-byte filter.
func newMatcher(subs, res ruleList, fold, long bool) (*matcher, error) {
	m := &matcher{}
	var patterns []pattern
	for i, s := range subs.entries {
		m.subs = append(m.subs, label(subs.key, i))
		if fold {
			s = foldString(s)
		}
		if s != "" { // an empty entry is refused by the configuration
			patterns = append(patterns, pattern{text: s, rule: int32(i), trig: -1})
		}
	}
	for i, expr := range res.entries {
		if fold {
			expr = "(?i)" + expr
		}
		re, err := regexp.Compile(expr)
		if err != nil {
			return nil, err
		}
		m.res = append(m.res, re)
		m.reNames = append(m.reNames, label(res.key, i))
		lits := requiredLiterals(expr, fold)
		m.always = append(m.always, len(lits) == 0)
		for _, l := range lits {
			patterns = append(patterns, pattern{text: l, rule: -1, trig: int32(i)})
		}
	}
	if len(patterns) > 0 {
		a, err := compileAutomaton(patterns, fold, long)
		if err != nil {
			return nil, err
		}
		m.auto = a
	}
	return m, nil
}

// empty reports whether the matcher has no rule at all.
func (m *matcher) empty() bool { return len(m.subs) == 0 && len(m.res) == 0 }

// match returns the label of the first rule text matches: substring rules first, then the
// regexps in their configured order.
func (m *matcher) match(text string) (string, bool) {
	var small [2]uint64
	marks := small[:]
	if n := (len(m.res) + 63) / 64; n > len(small) {
		marks = make([]uint64, n)
	}
	if m.auto != nil {
		if r := m.auto.scan(text, marks); r >= 0 {
			return m.subs[r], true
		}
	}
	for i, re := range m.res {
		if (m.always[i] || marks[i>>6]&(1<<(uint(i)&63)) != 0) && re.MatchString(text) {
			return m.reNames[i], true
		}
	}
	return "", false
}

// matchHeaders is match for each name and each value of headers (the header rules have
// no regexps), in one call.
func (m *matcher) matchHeaders(headers [][2]string) (string, bool) {
	a := m.auto
	if a == nil {
		return "", false
	}
	var marks [1]uint64
	for _, h := range headers {
		if _, r := a.feed(0, h[0], marks[:], false); r >= 0 {
			return m.subs[r], true
		}
		if _, r := a.feed(0, h[1], marks[:], false); r >= 0 {
			return m.subs[r], true
		}
	}
	return "", false
}

// matchJSON is match for encoded JSON string content (prompt.go): the automaton decodes
// escapes as it reads, and the text is decoded whole only when a regexp has to run on it.
func (m *matcher) matchJSON(raw string) (string, bool) {
	if strings.IndexByte(raw, '\\') < 0 {
		return m.match(raw)
	}
	var small [2]uint64
	marks := small[:]
	if n := (len(m.res) + 63) / 64; n > len(small) {
		marks = make([]uint64, n)
	}
	if m.auto != nil {
		if r := m.auto.scanJSON(raw, marks); r >= 0 {
			return m.subs[r], true
		}
	}
	var text string
	for i, re := range m.res {
		if m.always[i] || marks[i>>6]&(1<<(uint(i)&63)) != 0 {
			if text == "" {
				text = unescapeJSON(raw)
			}
			if re.MatchString(text) {
				return m.reNames[i], true
			}
		}
	}
	return "", false
}

// label names rule i of the list at key, "block_bodies[2]": what logs and filter state
// show of a block, never the matched text.
func label(key string, i int) string { return key + "[" + strconv.Itoa(i) + "]" }
