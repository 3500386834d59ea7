package main

import "testing"

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		status                  int
		fromGateway, callFailed bool
		want                    Class
	}{
		{200, false, false, ClassNone},
		{400, false, false, ClassNone},
		{401, false, false, ClassNone},
		{404, false, false, ClassNone},
		{429, false, false, ClassHTTP429},
		{500, false, false, ClassHTTP5xx},
		{502, false, false, ClassHTTP5xx},
		{503, false, false, ClassHTTP5xx}, // the provider's own 503
		{504, false, false, ClassHTTP5xx},
		{504, true, false, ClassTimeout},        // Envoy's router gave up waiting
		{503, true, false, ClassConnectFailure}, // no healthy upstream, connect failure
		{0, false, true, ClassConnectFailure},   // reset, no headers
		{200, false, true, ClassConnectFailure},
	} {
		if got := classify(tc.status, tc.fromGateway, tc.callFailed); got != tc.want {
			t.Errorf("classify(%d, %v, %v) = %s, want %s", tc.status, tc.fromGateway, tc.callFailed, got, tc.want)
		}
	}
}

func TestFallbackSet(t *testing.T) {
	var s FallbackSet
	if s.Has(ClassHTTP429) || s.String() != "" {
		t.Fatal("empty set")
	}
	s = s.with(ClassHTTP429).with(ClassTimeout)
	if !s.Has(ClassHTTP429) || !s.Has(ClassTimeout) || s.Has(ClassHTTP5xx) || s.Has(ClassNone) {
		t.Fatal(s)
	}
	if s.String() != "http_429,timeout" {
		t.Fatal(s.String())
	}
	for c := ClassHTTP429; c <= ClassRateLimiting; c++ {
		if classNamed(c.String()) != c {
			t.Errorf("%s does not read back", c)
		}
	}
	if classNamed("http_4xx") != ClassNone || classNamed(strategyAll) != ClassNone {
		t.Fatal("unknown names")
	}
	health := map[Class]bool{ClassHTTP5xx: true, ClassTimeout: true, ClassConnectFailure: true}
	for c := ClassNone; c <= ClassRateLimiting; c++ {
		if c.Health() != health[c] {
			t.Errorf("%s.Health() = %v", c, c.Health())
		}
	}
}
