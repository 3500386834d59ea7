package counter

import (
	"strings"
	"testing"
)

func TestRedisQueryIsOneEval(t *testing.T) {
	q := quota{limit: 100, cost: 3, size: 60_000, sliding: true}
	got := string(redisQuery("p/60000/consumer=alice", t0, q))
	if !strings.HasPrefix(got, "*10\r\n$4\r\nEVAL\r\n$") {
		t.Fatalf("query starts %q", got[:30])
	}
	tail := "\r\n$1\r\n1\r\n$22\r\np/60000/consumer=alice\r\n$13\r\n1795240980000\r\n$5\r\n60000\r\n$3\r\n100\r\n$1\r\n3\r\n$1\r\n1\r\n$1\r\n0\r\n"
	if !strings.HasSuffix(got, tail) {
		t.Fatalf("query ends %q", got[len(got)-len(tail):])
	}
	if !strings.Contains(got, "PEXPIRE") {
		t.Fatal("the script does not expire its key")
	}
}

func TestParseIntArray(t *testing.T) {
	vals, err := parseIntArray([]byte("*4\r\n:1795240980000\r\n:2\r\n:0\r\n:1\r\n"))
	if err != nil || len(vals) != 4 || vals[0] != t0 || vals[1] != 2 || vals[2] != 0 || vals[3] != 1 {
		t.Fatalf("%v %v", vals, err)
	}
	for _, bad := range []string{
		"", "\r\n", "*4\r\n:1\r\n", "*2\r\n:1\r\n$1\r\nx\r\n", "+OK\r\n", "*1\r\n:x\r\n",
		"*1\r\n:1\r\n:2\r\n", "*-1\r\n", "*99\r\n", ":1",
	} {
		if vals, err := parseIntArray([]byte(bad)); err == nil {
			t.Errorf("%q parsed as %v", bad, vals)
		}
	}
	_, err = parseIntArray([]byte("-NOSCRIPT No matching script. Please use EVAL.\r\n"))
	if err == nil || !strings.Contains(err.Error(), "NOSCRIPT No matching script") {
		t.Fatalf("error reply: %v", err)
	}
	_, err = parseIntArray([]byte("-" + strings.Repeat("x", 500) + "\r\n"))
	if err == nil || len(err.Error()) > 160 {
		t.Fatalf("long error reply kept whole: %d bytes", len(err.Error()))
	}
}

func TestRedisDecision(t *testing.T) {
	q := quota{limit: 3, cost: 1, size: 60_000}
	d, err := redisDecision([]byte("*4\r\n:1795240980000\r\n:2\r\n:0\r\n:1\r\n"), t0+1000, q)
	if err != nil || !d.Allowed || d.Remaining != 0 || d.Count != 3 {
		t.Fatalf("%+v %v", d, err)
	}
	d, err = redisDecision([]byte("*4\r\n:1795240980000\r\n:3\r\n:0\r\n:0\r\n"), t0+1000, q)
	if err != nil || d.Allowed || d.Count != 3 {
		t.Fatalf("%+v %v", d, err)
	}
	if _, err := redisDecision([]byte("*4\r\n:1795240980000\r\n:3\r\n:0\r\n:1\r\n"), t0+1000, q); err == nil {
		t.Fatal("a script verdict that contradicts decide was accepted")
	}
	if _, err := redisDecision([]byte("*3\r\n:1\r\n:2\r\n:3\r\n"), t0, q); err == nil {
		t.Fatal("three values accepted")
	}
}
