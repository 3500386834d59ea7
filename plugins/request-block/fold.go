package main

import (
	"unicode"
	"unicode/utf8"
)

// Case-insensitive matching compares texts after folding both sides with foldRune: every
// rune becomes one fixed member of its Unicode simple-folding orbit (K, k and the Kelvin
// sign K all become k; S, s and the long s ſ all become s). That is the equivalence the
// regexp package's (?i) uses, so a regexp's required literal (see literal.go) can be looked
// for in folded text without ever missing a match the regexp would find.
//
// Rules are folded once, at configure time. Input is folded lazily: ASCII letters are
// folded by the automaton's byte classes for free (automaton.go), and only text with a
// non-ASCII byte is copied, from that byte on.

// foldRune is the representative of r's case-folding orbit: the orbit's smallest rune, or
// its lower case (a for A, k for K).
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}
	if caseless(r) {
		return r
	}
	least := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f < least {
			least = f
		}
	}
	// The lower case when it belongs to the orbit (İ lower-cases to i, which (?i) does
	// not match it with).
	if l := unicode.ToLower(least); l != least {
		for f := unicode.SimpleFold(r); ; f = unicode.SimpleFold(f) {
			if f == l {
				return l
			}
			if f == r {
				break
			}
		}
	}
	return least
}

// caseless reports, cheaply, runes in large blocks that have no case: CJK, kana, Hangul
// and the like, so that folding Chinese or Japanese text does not consult the Unicode
// tables rune by rune.
func caseless(r rune) bool {
	switch {
	case 0x3000 <= r && r <= 0xA63F: // CJK symbols, kana, CJK ideographs, Yi
		return true
	case 0xAC00 <= r && r <= 0xD7FF: // Hangul syllables
		return true
	case 0xF900 <= r && r <= 0xFAFF: // CJK compatibility ideographs
		return true
	case 0x20000 <= r: // supplementary ideographs and beyond (the cased scripts of the
		// supplementary planes, Deseret to Adlam, all lie below 0x1F000)
		return true
	}
	return false
}

// foldString folds every rune of s; bytes that are not valid UTF-8 are kept as they are.
// It returns s itself when folding changes nothing.
func foldString(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
			return string(appendFolded(append(make([]byte, 0, len(s)+8), s[:i]...), s[i:]))
		}
	}
	return s
}

// appendFolded appends s, folded, to dst.
func appendFolded(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			dst = append(dst, c)
			i++
			continue
		}
		if f := foldRune(r); f != r {
			dst = utf8.AppendRune(dst, f)
		} else {
			dst = append(dst, s[i:i+n]...)
		}
		i += n
	}
	return dst
}
