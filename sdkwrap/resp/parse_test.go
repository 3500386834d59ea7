package resp

import (
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
