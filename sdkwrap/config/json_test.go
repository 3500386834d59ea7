package config

import (
	"strings"
	"testing"
)

func TestInvalidJSON(t *testing.T) {
	tests := []struct{ doc, want string }{
		{``, "(root): invalid JSON at line 1, column 1: unexpected end of input, want a value"},
		{`   `, "(root): invalid JSON at line 1, column 4: unexpected end of input, want a value"},
		{`[1]`, "(root): want a JSON object, got array"},
		{`"s"`, "(root): want a JSON object, got string"},
		{`null`, "(root): want a JSON object, got null"},
		{`{} x`, "(root): invalid JSON at line 1, column 4: unexpected character 'x' after the top-level value"},
		{`{"a":1,}`, "(root): invalid JSON at line 1, column 8: unexpected character '}', want a string key"},
		{`{a:1}`, "(root): invalid JSON at line 1, column 2: unexpected character 'a', want a string key"},
		{`{"a" 1}`, "(root): invalid JSON at line 1, column 6: unexpected character '1', want ':' after a key"},
		{"{\n  \"a\": {\n    \"b\": [1, 2 3]\n  }\n}", "a.b: invalid JSON at line 3, column 16: unexpected character '3', want ',' or ']'"},
		{`{"a":{"b":1 "c":2}}`, "a: invalid JSON at line 1, column 13: unexpected character '\"', want ',' or '}'"},
		{`{"a":tru}`, "a: invalid JSON at line 1, column 6: unexpected character 't', want a value"},
		{`{"a":nul`, "a: invalid JSON at line 1, column 6: unexpected character 'n', want a value"},
		{`{"a":01}`, "a: invalid JSON at line 1, column 7: invalid number: leading zero"},
		{`{"a":-}`, "a: invalid JSON at line 1, column 7: invalid number: want a digit, got character '}'"},
		{`{"a":1.}`, "a: invalid JSON at line 1, column 8: invalid number: want a digit after '.', got character '}'"},
		{`{"a":1e+}`, "a: invalid JSON at line 1, column 9: invalid number: want a digit in the exponent, got character '}'"},
		{`{"a":+1}`, "a: invalid JSON at line 1, column 6: unexpected character '+', want a value"},
		{`{"a":NaN}`, "a: invalid JSON at line 1, column 6: unexpected character 'N', want a value"},
		{`{"a":"x`, "a: invalid JSON at line 1, column 8: unterminated string"},
		{"{\"a\":\"x\ty\"}", "a: invalid JSON at line 1, column 8: control character 0x09 in string; escape it"},
		{`{"a":"\x"}`, "a: invalid JSON at line 1, column 8: invalid escape character 'x' in string"},
		{`{"a":"\u12G4"}`, "a: invalid JSON at line 1, column 11: invalid \\u escape: want a hex digit, got character 'G'"},
		{`{"a":"\ud800"}`, "a: invalid JSON at line 1, column 7: unpaired surrogate in \\u escape"},
		{`{"a":"\udc00\ud800"}`, "a: invalid JSON at line 1, column 7: unpaired surrogate in \\u escape"},
		{`{"a":"\ud800\u0041"}`, "a: invalid JSON at line 1, column 7: unpaired surrogate in \\u escape"},
		{`{"a":1,"a":2}`, `(root): invalid JSON at line 1, column 8: duplicate key "a"`},
		{`{"x":{"a":1,"\u0061":2}}`, `x: invalid JSON at line 1, column 13: duplicate key "a"`},
		{"\xef\xbb\xbf{}", "(root): invalid JSON at line 1, column 1: unexpected byte 0xEF, want a value"},
		{"{\"k\":[\"a\",\"b\xc3\x28\"]}", "k[1]: invalid JSON at line 1, column 13: invalid UTF-8 in string"},
		{"{\"k\xff\":1}", "(root): invalid JSON at line 1, column 4: invalid UTF-8 in string"},
		{"{\"k\":\"\xed\xa0\x80\"}", "k: invalid JSON at line 1, column 7: invalid UTF-8 in string"},     // a raw surrogate
		{"{\"k\":\"\xc0\xaf\"}", "k: invalid JSON at line 1, column 7: invalid UTF-8 in string"},         // overlong
		{"{\"k\":\"\xf4\x90\x80\x80\"}", "k: invalid JSON at line 1, column 7: invalid UTF-8 in string"}, // above U+10FFFF
	}
	for _, tt := range tests {
		if got := parseErr(t, []byte(tt.doc)); got != tt.want {
			t.Errorf("NewReader(%q):\n got %s\nwant %s", tt.doc, got, tt.want)
		}
	}
}

func TestStringDecoding(t *testing.T) {
	tests := []struct{ lit, want string }{
		{`"plain"`, "plain"},
		{`"\"\\\/\b\f\n\r\t"`, "\"\\/\b\f\n\r\t"},
		{`"\u00e9\u4e2d"`, "\u00e9\u4e2d"},
		{`"\ud83d\ude00"`, "\U0001F600"},
		{`"\u0000"`, "\x00"},
		{"\"\u00e9\U0001F600\"", "\u00e9\U0001F600"},
		{`"a\nb` + strings.Repeat("x", 100) + `"`, "a\nb" + strings.Repeat("x", 100)},
	}
	for _, tt := range tests {
		got, errs, _ := read(t, `{"s":`+tt.lit+`}`, func(r *Reader) any { return r.String("s", "") })
		if got != tt.want || errs != nil {
			t.Errorf("%s = %q, %v; want %q", tt.lit, got, errs, tt.want)
		}
	}
}

func TestDeepNesting(t *testing.T) {
	nest := func(n int) []byte { // {"a":{"a":...{}...}} with n objects inside the root
		return []byte(strings.Repeat(`{"a":`, n) + "{}" + strings.Repeat("}", n))
	}
	if msg := parseErr(t, nest(maxDepth)); msg != "" {
		t.Errorf("%d levels: %s", maxDepth, msg)
	}
	msg := parseErr(t, nest(maxDepth+1))
	if !strings.HasSuffix(msg, "nesting deeper than 100 levels") || !strings.HasPrefix(msg, "a.a.a.") {
		t.Errorf("%d levels: %s", maxDepth+1, msg)
	}
	// Far deeper input fails at the limit, without a stack overflow.
	msg = parseErr(t, []byte(`{"a":`+strings.Repeat("[", 1<<20)))
	if !strings.HasSuffix(msg, "nesting deeper than 100 levels") || !strings.HasPrefix(msg, "a[0][0]") {
		t.Errorf("deep arrays: %.80s", msg)
	}
	// A value at depth 100 is readable.
	r, err := NewReader(nest(maxDepth))
	if err != nil {
		t.Fatal(err)
	}
	depth := 0
	var walk func(r *Reader)
	walk = func(r *Reader) { depth++; r.Object("a", walk) }
	walk(r)
	if depth != maxDepth+1 || r.Err() != nil {
		t.Errorf("walked %d objects, err %v", depth, r.Err())
	}
}

func TestBigObjects(t *testing.T) {
	var b strings.Builder
	b.WriteString("{")
	for i := 0; i < 100; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`"k` + JoinIndex("", i) + `":1`)
	}
	if msg := parseErr(t, []byte(b.String()+"}")); msg != "" {
		t.Errorf("100 distinct keys: %s", msg)
	}
	if msg := parseErr(t, []byte(b.String()+`,"k[42]":2}`)); !strings.HasSuffix(msg, `duplicate key "k[42]"`) {
		t.Errorf("duplicate in a big object: %s", msg)
	}
}
