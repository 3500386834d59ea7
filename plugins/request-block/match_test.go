package main

// Native tests of the matching logic: folding, the automaton against a naive search, the
// regexps' required literals, and the matcher against running every rule one by one.

import (
	"encoding/json"
	"math/rand"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// caseless must only claim runes that have no case.
func TestCaselessRangesHaveNoCase(t *testing.T) {
	for r := rune(0x80); r <= unicode.MaxRune; r++ {
		if caseless(r) && unicode.SimpleFold(r) != r {
			t.Fatalf("caseless(%U) but it folds to %U", r, unicode.SimpleFold(r))
		}
	}
}

// foldRune gives every member of a folding orbit the same representative, and runes of
// different orbits different ones: the equivalence of the regexps' (?i).
func TestFoldRuneIsTheRegexpEquivalence(t *testing.T) {
	for r := rune(0); r <= 0x1FFFF; r++ {
		f := foldRune(r)
		for o := unicode.SimpleFold(r); o != r; o = unicode.SimpleFold(o) {
			if foldRune(o) != f {
				t.Fatalf("%U folds to %U but %U of its orbit to %U", r, f, o, foldRune(o))
			}
		}
		// f is in r's orbit, so (?i) matches r against f.
		if f != r && !regexp.MustCompile(`(?i)`+regexp.QuoteMeta(string(f))).MatchString(string(r)) {
			t.Fatalf("%U folds to %U, which (?i) does not match it with", r, f)
		}
	}
	for _, tc := range [][2]string{
		{"PassWord", "password"}, {"ÜBER", "über"}, {"\u212a", "k"}, {"ſ", "s"}, {"ΣΑΣ", "σασ"},
		{"日本語 ABC", "日本語 abc"}, {"a\xffB", "a\xffb"}, {"plain", "plain"},
	} {
		if got := foldString(tc[0]); got != tc[1] {
			t.Errorf("foldString(%q) = %q, want %q", tc[0], got, tc[1])
		}
	}
}

// naiveFirst is the automaton's contract done the slow way: the rule whose pattern ends
// first in text, the smallest index among those ending at the same byte.
func naiveFirst(patterns []string, text string) int {
	for end := 1; end <= len(text); end++ {
		best := -1
		for i, p := range patterns {
			if p != "" && strings.HasSuffix(text[:end], p) && (best < 0 || i < best) {
				best = i
			}
		}
		if best >= 0 {
			return best
		}
	}
	return -1
}

func scanAll(t testing.TB, patterns []string, text string, fold, pairs bool) int {
	var ps []pattern
	for i, p := range patterns {
		if fold {
			p = foldString(p)
		}
		if p != "" {
			ps = append(ps, pattern{text: p, rule: int32(i), trig: -1})
		}
	}
	if len(ps) == 0 {
		return -1
	}
	a, err := compileAutomaton(ps, fold, pairs)
	if err != nil {
		t.Fatal(err)
	}
	return a.scan(text, make([]uint64, 1))
}

func TestAutomatonAgainstNaiveSearch(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	alphabet := []string{"a", "b", "c", "A", "B", "ü", "Ü", "ſ", "s", "S", "\u212a", "k", "\xff", " "}
	word := func(max int) string {
		var b strings.Builder
		for n := rng.Intn(max) + 1; n > 0; n-- {
			b.WriteString(alphabet[rng.Intn(len(alphabet))])
		}
		return b.String()
	}
	for i := 0; i < 20000; i++ {
		patterns := make([]string, rng.Intn(6)+1)
		for j := range patterns {
			patterns[j] = word(4)
		}
		text := word(30)
		for _, fold := range []bool{false, true} {
			want := naiveFirst(patterns, text)
			if fold {
				folded := make([]string, len(patterns))
				for j, p := range patterns {
					folded[j] = foldString(p)
				}
				want = naiveFirst(folded, foldString(text))
			}
			for _, pairs := range []bool{false, true} {
				if got := scanAll(t, patterns, text, fold, pairs); got != want {
					t.Fatalf("patterns %q, text %q, fold %v, pairs %v: automaton %d, naive %d", patterns, text, fold, pairs, got, want)
				}
			}
		}
	}
}

func TestAutomatonTooLarge(t *testing.T) {
	_, err := compileAutomaton([]pattern{{text: strings.Repeat("ab", maxStates/2+1), rule: 0, trig: -1}}, false, false)
	if err == nil || !strings.Contains(err.Error(), "too long") {
		t.Fatalf("error %v", err)
	}
}

func TestRequiredLiterals(t *testing.T) {
	for _, tc := range []struct {
		expr string
		fold bool
		want []string
	}{
		{`sk-[A-Za-z0-9]{20,}`, false, []string{"sk-"}},
		{`^/api/v\d+/admin$`, false, []string{"/api/v"}},
		{`(?i)PassWord\s*=`, true, []string{"password"}},
		{`(?i)PassWord\s*=`, false, nil}, // case-insensitive regexp, case-sensitive automaton
		{`Über`, true, []string{"über"}},
		{`ſecret`, true, []string{"secret"}},
		{`(?:token|secret)_\w+`, false, []string{"token", "secret"}},
		{`(?:token|x)_key`, false, []string{"_key"}}, // "x" is too short, "_key" will do
		{`(?:tokens|x)y`, false, nil},                // every branch needs a string of two bytes at least
		{`(abc)+def`, false, []string{"abc"}},
		{`(?:abc)*`, false, nil},
		{`\d{16}`, false, nil},
		{`a`, false, nil},
		{`\x{FFFD}abc`, false, []string{"abc"}},
		{`[ab]cd`, false, []string{"cd"}},
		{`(?i)sk-1234[a-z]+`, false, []string{"-1234"}}, // the caseless part of a (?i) literal
		{`(?i)ab-cd`, false, nil},
	} {
		if got := requiredLiterals(tc.expr, tc.fold); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("requiredLiterals(%q, fold %v) = %q, want %q", tc.expr, tc.fold, got, tc.want)
		}
	}
}

// reference is the matcher's contract done rule by rule: the substring rules as the
// automaton reports them, then the first regexp that matches.
func reference(subs, res []string, fold bool, text string) string {
	ps, t := subs, text
	if fold {
		ps = make([]string, len(subs))
		for i, s := range subs {
			ps[i] = foldString(s)
		}
		t = foldString(text)
	}
	if i := naiveFirst(ps, t); i >= 0 {
		return label("s", i)
	}
	for i, expr := range res {
		if fold {
			expr = "(?i)" + expr
		}
		if regexp.MustCompile(expr).MatchString(text) {
			return label("r", i)
		}
	}
	return ""
}

func checkMatcher(t testing.TB, subs, res []string, fold bool, text string) {
	want := reference(subs, res, fold, text)
	for _, long := range []bool{false, true} {
		m, err := newMatcher(ruleList{"s", subs}, ruleList{"r", res}, fold, long)
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := m.match(text); got != want || ok != (want != "") {
			t.Fatalf("subs %q, regexps %q, fold %v, long %v, text %q: matcher %q, want %q", subs, res, fold, long, text, got, want)
		}
		if len(res) == 0 { // header rules: substrings only, one text after another
			if got, _ := m.matchHeaders([][2]string{{"", text}}); got != want {
				t.Fatalf("subs %q, fold %v, header value %q: matcher %q, want %q", subs, fold, text, got, want)
			}
		}
	}
}

// The regexps run only where their required literal occurs: that must never change what
// matches.
func TestMatcherPrefilterIsSound(t *testing.T) {
	res := []string{`sk-[a-z0-9]{6}`, `(?i)pass\s*word`, `token|secret`, `\bpin \d{4}\b`, `ab+c`, `(?-i:Key)=\d`, `über\w`}
	texts := []string{
		"", "sk-abc123", "SK-ABC123", "my pass  word", "PAſſ WORD", "a TOKEN", "the Secret", "pin 1234", "PIN 1234",
		"abbbc", "ABBC", "Key=1", "key=1", "KEY=1", "Überx", "ÜBERX", "über", "x\xffsk-abcdef", "\u212aey=1",
	}
	for _, fold := range []bool{false, true} {
		for _, text := range texts {
			checkMatcher(t, []string{"zz"}, res, fold, text)
			for i := range res {
				checkMatcher(t, nil, res[i:i+1], fold, text)
			}
		}
	}
}

func TestMatcherManyRegexps(t *testing.T) {
	var res []string
	for i := 0; i < 150; i++ {
		res = append(res, "word"+strings.Repeat("x", i%7)+"-"+string(rune('a'+i%26))+`\d`)
	}
	for _, text := range []string{"wordxxx-d1", "wordxxxxxx-z9", "word-a", "nothing"} {
		checkMatcher(t, nil, res, false, text)
		checkMatcher(t, nil, res, true, strings.ToUpper(text))
	}
}

// FuzzMatch checks the matcher (automaton, folding, regexp prefilter) against running each
// rule by itself.
func FuzzMatch(f *testing.F) {
	f.Add("password", "pw", `sk-[a-z]{3}`, "/?text=Mypassword=xxxxxx", true)
	f.Add("über", "K", `(?i)kelvin\d`, "ÜBER \u212aELVIN7", true)
	f.Add("ab", "b", `a+b`, "xaab", false)
	f.Add("ſ", "s", `(token|secret)=\w`, "SECRET=1 ſ", true)
	f.Fuzz(func(t *testing.T, sub1, sub2, expr, text string, fold bool) {
		if !utf8.ValidString(sub1) || !utf8.ValidString(sub2) || !utf8.ValidString(expr) || len(expr) > 100 || len(text) > 512 {
			return // the configuration reader refuses invalid UTF-8
		}
		var subs, res []string
		for _, s := range []string{sub1, sub2} {
			if s != "" {
				subs = append(subs, s)
			}
		}
		if _, err := regexp.Compile(expr); err == nil {
			if _, err := regexp.Compile("(?i)" + expr); err == nil {
				res = append(res, expr)
			}
		}
		if len(subs) == 0 && len(res) == 0 {
			return
		}
		checkMatcher(t, subs, res, fold, text)
		// text as the content of a JSON string, as the prompt scanner hands it over.
		var decoded string
		if utf8.ValidString(text) && json.Unmarshal([]byte(`"`+text+`"`), &decoded) == nil {
			checkMatcherJSON(t, subs, res, fold, text, decoded)
		}
	})
}

// checkMatcherJSON: matching encoded JSON string content is matching the decoded text.
func checkMatcherJSON(t testing.TB, subs, res []string, fold bool, raw, decoded string) {
	want := reference(subs, res, fold, decoded)
	for _, long := range []bool{false, true} {
		m, err := newMatcher(ruleList{"s", subs}, ruleList{"r", res}, fold, long)
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := m.matchJSON(raw); got != want || ok != (want != "") {
			t.Fatalf("subs %q, regexps %q, fold %v, long %v, JSON %q: matcher %q, want %q", subs, res, fold, long, raw, got, want)
		}
	}
}

func TestMatchJSON(t *testing.T) {
	for _, tc := range []struct {
		subs, res []string
		fold      bool
		raw       string
	}{
		{[]string{"password"}, nil, false, `pass\u0077ord`},
		{[]string{"password"}, nil, true, `PASS\u0057ORD`},
		{[]string{"über"}, nil, true, `\u00dcBER and more`},
		{[]string{"a\nb"}, nil, false, `x a\nb`},
		{[]string{"quote \"x\""}, nil, false, `a quote \"x\" here`},
		{nil, []string{`token=\w{4}`}, false, `tok\u0065n=abcd`},
		{nil, []string{`token=\w{4}`}, true, `\u0054OKEN=abcd`},
		{[]string{"😀!"}, nil, false, `\ud83d\ude00!`},
		{[]string{"zz"}, []string{`\d{3}`}, false, `a\n123`},
		{[]string{"nice"}, nil, false, `a\nice day`}, // not a match: \n is one character
	} {
		var decoded string
		if err := json.Unmarshal([]byte(`"`+tc.raw+`"`), &decoded); err != nil {
			t.Fatal(err)
		}
		checkMatcherJSON(t, tc.subs, tc.res, tc.fold, tc.raw, decoded)
	}
}

func TestPercentDecode(t *testing.T) {
	for in, want := range map[string]string{
		"/%61dmin": "/admin", "/a%2Fb%2fc": "/a/b/c", "/100%": "/100%", "/%zz%4": "/%zz%4", "/%41%": "/A%", "": "",
	} {
		if got := percentDecode(in); got != want {
			t.Errorf("percentDecode(%q) = %q, want %q", in, got, want)
		}
	}
}
