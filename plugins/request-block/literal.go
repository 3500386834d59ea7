package main

import (
	"regexp/syntax"
	"unicode"
	"unicode/utf8"
)

// Regexps are slow next to the automaton: each one reads the text again, and Go's regexp
// engine costs far more per byte than a table lookup. Most rules' regexps cannot match
// without some fixed string (`sk-[A-Za-z0-9]{20,}` needs "sk-", `/api/v\d+/admin` needs
// "/admin"), so the automaton looks for those strings along with the substring rules, and
// a regexp runs only on a text where one of its strings occurs. A regexp without such a
// string (`\d{16}`) runs on every text.

// maxLiterals bounds the strings one regexp may be filtered by (an alternation of many
// words is run on every text instead).
const maxLiterals = 16

// requiredLiterals returns strings of which at least one occurs in every text expr matches,
// or nil when it finds none worth looking for. expr is parsed as regexp.Compile parses it.
// With fold the strings are folded (fold.go), to be looked for in folded text; without it, a
// string the regexp matches case-insensitively cannot be looked for, since the automaton
// would then compare cases the regexp ignores.
func requiredLiterals(expr string, fold bool) []string {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil
	}
	lits, ok := required(re, fold)
	if !ok || shortest(lits) < 2 {
		return nil // a one-byte string would let the regexp run on nearly every text anyway
	}
	return lits
}

// required is requiredLiterals on a parsed expression; ok is false when there are none.
func required(re *syntax.Regexp, fold bool) (lits []string, ok bool) {
	switch re.Op {
	case syntax.OpLiteral:
		// The longest run of runes the automaton can look for as the regexp sees them.
		// Not U+FFFD: the regexp engine reads a byte that is not UTF-8 as U+FFFD, the
		// automaton reads the byte. Nor, without fold, a rune the regexp matches in any
		// case (its (?i)) that has case: the automaton would compare cases.
		anyCase := re.Flags&syntax.FoldCase != 0 && !fold
		best, start := "", 0
		for i := 0; i <= len(re.Rune); i++ {
			if i < len(re.Rune) {
				r := re.Rune[i]
				if r != utf8.RuneError && !(anyCase && unicode.SimpleFold(r) != r) {
					continue
				}
			}
			s := string(re.Rune[start:i])
			if fold {
				s = foldString(s)
			}
			if len(s) > len(best) {
				best = s
			}
			start = i + 1
		}
		return []string{best}, best != ""
	case syntax.OpCapture, syntax.OpPlus:
		return required(re.Sub[0], fold)
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return required(re.Sub[0], fold)
		}
	case syntax.OpConcat:
		// Every part must match, so any part's strings will do: take the set whose
		// shortest string is the longest (the fewest false alarms).
		for _, sub := range re.Sub {
			if l, ok := required(sub, fold); ok && (lits == nil || shortest(l) > shortest(lits)) {
				lits = l
			}
		}
		return lits, lits != nil
	case syntax.OpAlternate:
		// One branch matches: every branch must bring strings of its own.
		for _, sub := range re.Sub {
			l, ok := required(sub, fold)
			if !ok || len(lits)+len(l) > maxLiterals {
				return nil, false
			}
			lits = append(lits, l...)
		}
		return lits, true
	}
	return nil, false
}

func shortest(lits []string) int {
	n := -1
	for _, l := range lits {
		if n < 0 || len(l) < n {
			n = len(l)
		}
	}
	return n
}
