package resp

import (
	"strconv"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	r, err := Parse([]byte("*4\r\n:7\r\n$5\r\nhe\r\no\r\n$-1\r\n*1\r\n+OK\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Kind != '*' || len(r.Elems) != 4 || r.Elems[0].Int != 7 || string(r.Elems[1].Text) != "he\r\no" ||
		!r.Elems[2].Null || string(r.Elems[3].Elems[0].Text) != "OK" {
		t.Fatalf("Parse = %+v", r)
	}
	if r, err := Parse([]byte("$0\r\n\r\n")); err != nil || r.Null || len(r.Text) != 0 {
		t.Fatalf("empty bulk = %+v, %v", r, err)
	}
	if r, err := Parse([]byte("*-1\r\n")); err != nil || !r.Null {
		t.Fatalf("null array = %+v, %v", r, err)
	}
}

func TestParseErrorReply(t *testing.T) {
	r, err := Parse([]byte("-WRONGPASS invalid username-password pair\r\n"))
	if err != nil || r.Err() == nil || r.Err().Error() != "redis: WRONGPASS invalid username-password pair" {
		t.Fatalf("Parse = %+v, %v, Err %v", r, err, r.Err())
	}
	long, _ := Parse([]byte("-ERR " + strings.Repeat("x", 500) + "\r\n"))
	if len(long.Err().Error()) > 140 {
		t.Fatalf("error text not bounded: %d bytes", len(long.Err().Error()))
	}
	if (Reply{Kind: '+'}).Err() != nil {
		t.Fatal("a simple string is not an error")
	}
}

func TestParseRefusesMalformed(t *testing.T) {
	for _, in := range []string{"", "\r\n", "?x\r\n", ":x\r\n", "$abc\r\n", "$5\r\nab", "$2\r\nabcd", "*x\r\n",
		"*2\r\n:1\r\n", "*1000000\r\n:1\r\n", "+OK\r\n+OK\r\n", "$-2\r\n",
		strings.Repeat("*1\r\n", 20) + ":1\r\n"} {
		if r, err := Parse([]byte(in)); err == nil {
			t.Errorf("Parse(%q) accepted it as %+v", in, r)
		}
	}
}

func TestParseHostileLengths(t *testing.T) {
	for _, in := range []string{
		"$9223372036854775807\r\nab\r\n",
		"$9223372036854775806\r\n",
		"*9223372036854775807\r\n:1\r\n",
		strings.Repeat("*1000\r\n", 8) + "x",
	} {
		if r, err := Parse([]byte(in)); err == nil {
			t.Errorf("Parse(%.40q) accepted it as %+v", in, r)
		}
	}
	many := "*1025\r\n" + strings.Repeat(":1\r\n", 1025)
	if _, err := Parse([]byte(many)); err == nil {
		t.Error("an array over the element bound was accepted")
	}
}

// FuzzParse: no input panics, and what parses re-encodes to a reply that parses the same.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{"+OK\r\n", "-ERR x\r\n", ":42\r\n", "$3\r\nabc\r\n", "$-1\r\n",
		"*2\r\n$1\r\na\r\n*1\r\n:1\r\n", "*-1\r\n", "$9223372036854775807\r\nab\r\n"} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := Parse(b)
		if err != nil {
			return
		}
		again, err := Parse(appendReply(nil, r))
		if err != nil || !sameReply(r, again) {
			t.Fatalf("%q: parsed %+v, re-parsed %+v (%v)", b, r, again, err)
		}
	})
}

// appendReply writes a reply back in RESP2.
func appendReply(dst []byte, r Reply) []byte {
	dst = append(dst, r.Kind)
	switch {
	case r.Null:
		return append(dst, "-1\r\n"...)
	case r.Kind == ':':
		return append(dst, strconv.FormatInt(r.Int, 10)+"\r\n"...)
	case r.Kind == '$':
		return append(append(append(dst, strconv.Itoa(len(r.Text))+"\r\n"...), r.Text...), "\r\n"...)
	case r.Kind == '*':
		dst = append(dst, strconv.Itoa(len(r.Elems))+"\r\n"...)
		for _, e := range r.Elems {
			dst = appendReply(dst, e)
		}
		return dst
	}
	return append(append(dst, r.Text...), "\r\n"...)
}

func sameReply(a, b Reply) bool {
	if a.Kind != b.Kind || a.Null != b.Null || a.Int != b.Int || string(a.Text) != string(b.Text) || len(a.Elems) != len(b.Elems) {
		return false
	}
	for i := range a.Elems {
		if !sameReply(a.Elems[i], b.Elems[i]) {
			return false
		}
	}
	return true
}
