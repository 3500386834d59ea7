package main

import (
	"strconv"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

func picks(k *keyRing, s sharedStore, now time.Time, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = k.pick(s, now)
	}
	return out
}

func TestKeyRotation(t *testing.T) {
	s := newMemStore()
	k := newKeyRing("openai", []string{"k0", "k1", "k2"})
	if got := picks(k, s, t0, 6); !equalInts(got, []int{0, 1, 2, 0, 1, 2}) {
		t.Fatalf("round robin %v", got)
	}
	// 429 on k1 with Retry-After 20: skipped for 20 s, by every worker (the store is shared).
	if d := k.refused(s, 1, 429, "20", t0); d != 20*time.Second {
		t.Fatalf("cooldown %v", d)
	}
	if v := s.value("ai-proxy/cool/openai/1"); v != strconv.FormatInt(unixMillis(t0.Add(20*time.Second)), 10) {
		t.Fatalf("shared value %q", v)
	}
	other := newKeyRing("openai", []string{"k0", "k1", "k2"}) // another worker's ring
	if got := picks(other, s, t0, 4); !equalInts(got, []int{0, 2, 0, 2}) {
		t.Fatalf("other worker %v", got)
	}
	if got := picks(k, s, t0.Add(19*time.Second), 4); !equalInts(got, []int{0, 2, 0, 2}) {
		t.Fatalf("during cooldown %v", got)
	}
	if got := picks(k, s, t0.Add(20*time.Second), 3); !equalInts(got, []int{0, 1, 2}) {
		t.Fatalf("after cooldown %v", got)
	}
}

func TestKeyCooldownDefaultsAndStatuses(t *testing.T) {
	s := newMemStore()
	k := newKeyRing("x", []string{"a", "b"})
	for _, tc := range []struct {
		status     int
		retryAfter string
		want       time.Duration
	}{
		{200, "", 0},
		{400, "30", 0},
		{500, "30", 0},
		{429, "", rateLimitedCooldown},
		{429, "soon", rateLimitedCooldown},
		{401, "", unauthorizedCooldown},
		{403, "", unauthorizedCooldown},
		{401, "7", 7 * time.Second},
		{429, "0", time.Second},
		{429, "999999", maxCooldown},
		{429, t0.Add(90 * time.Second).Format("Mon, 02 Jan 2006 15:04:05 GMT"), 90 * time.Second},
		{429, t0.Add(-time.Minute).Format("Mon, 02 Jan 2006 15:04:05 GMT"), time.Second},
	} {
		if got := k.refused(s, 0, tc.status, tc.retryAfter, t0); got != tc.want {
			t.Errorf("%d Retry-After %q: %v, want %v", tc.status, tc.retryAfter, got, tc.want)
		}
	}
}

// A shorter cooldown never cuts a longer one another worker set.
func TestKeyCooldownNeverShortens(t *testing.T) {
	s := newMemStore()
	k := newKeyRing("x", []string{"a", "b"})
	k.refused(s, 0, 401, "", t0)
	k.refused(s, 0, 429, "5", t0)
	if until := k.coolUntil(s, 0); until != unixMillis(t0.Add(unauthorizedCooldown)) {
		t.Fatalf("until %d", until)
	}
}

// All keys cooling down: the one whose cooldown ends first.
func TestAllKeysCooling(t *testing.T) {
	s := newMemStore()
	k := newKeyRing("x", []string{"a", "b", "c"})
	k.refused(s, 0, 429, "30", t0)
	k.refused(s, 1, 429, "10", t0)
	k.refused(s, 2, 401, "", t0)
	if got := picks(k, s, t0.Add(time.Second), 3); !equalInts(got, []int{1, 1, 1}) {
		t.Fatalf("picks %v", got)
	}
}

func TestParseRetryAfter(t *testing.T) {
	for _, tc := range []struct {
		v    string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"  12 ", 12 * time.Second, true},
		{"-1", 0, false},
		{"1.5", 0, false},
		{"Sat, 21 Nov 2026 12:01:00 GMT", time.Minute, true},
		{"Saturday, 21-Nov-26 12:00:30 GMT", 30 * time.Second, true},
		{"Sat Nov 21 12:00:05 2026", 5 * time.Second, true},
		{"tomorrow", 0, false},
	} {
		got, ok := parseRetryAfter(tc.v, t0)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%q: %v %v, want %v %v", tc.v, got, ok, tc.want, tc.ok)
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
