package resp

import (
	"bufio"
	"strings"
	"testing"
)

func TestEncode(t *testing.T) {
	got := string(Encode("SET", "k", ""))
	if want := "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n"; got != want {
		t.Fatalf("Encode = %q, want %q", got, want)
	}
}

func TestReadOneReplyAtATime(t *testing.T) {
	replies := []string{
		"+OK\r\n",
		"-ERR wrong\r\n",
		":42\r\n",
		"$5\r\nhe\r\no\r\n", // bulk strings may hold CRLF
		"$-1\r\n",
		"*2\r\n$1\r\na\r\n*1\r\n:1\r\n",
		"*-1\r\n",
	}
	rd := bufio.NewReader(strings.NewReader(strings.Join(replies, "")))
	for _, want := range replies {
		var out []byte
		if err := Read(rd, &out); err != nil || string(out) != want {
			t.Fatalf("Read = %q, %v; want %q", out, err, want)
		}
	}
}

func TestReadRefusesMalformed(t *testing.T) {
	for _, in := range []string{"", "\r\n", "?x\r\n", "$abc\r\n", "$5\r\nab", "*x\r\n", "*2\r\n:1\r\n"} {
		var out []byte
		if err := Read(bufio.NewReader(strings.NewReader(in)), &out); err == nil {
			t.Errorf("Read(%q) accepted it as %q", in, out)
		}
	}
}
