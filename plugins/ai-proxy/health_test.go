package main

import (
	"testing"
	"time"
)

func TestHealth(t *testing.T) {
	s := newMemStore()
	h := HealthPolicy{Failures: 3, Cooldown: 10 * time.Second}
	now := t0
	if !h.Healthy(s, "a", now) {
		t.Fatal("unknown instance unhealthy")
	}
	// 429 and client errors say nothing about health.
	for _, c := range []Class{ClassHTTP429, ClassRateLimiting, ClassNone} {
		if h.Failed(s, "a", c, now) {
			t.Fatalf("%s marked the instance", c)
		}
	}
	if _, _, ok := s.get("ai-proxy/health/a"); ok {
		t.Fatal("a non-health failure was written")
	}
	// Two failures, a success: the count starts again.
	h.Failed(s, "a", ClassHTTP5xx, now)
	h.Failed(s, "a", ClassTimeout, now)
	h.Succeeded(s, "a")
	if s.value("ai-proxy/health/a") != "0:0" {
		t.Fatal(s.value("ai-proxy/health/a"))
	}
	// Three in a row (from different workers: the store is shared) take it out for 10 s.
	if h.Failed(s, "a", ClassConnectFailure, now) || h.Failed(s, "a", ClassHTTP5xx, now) {
		t.Fatal("marked too early")
	}
	if !h.Failed(s, "a", ClassTimeout, now) {
		t.Fatal("not marked after 3")
	}
	if h.Healthy(s, "a", now.Add(9999*time.Millisecond)) {
		t.Fatal("healthy during cooldown")
	}
	// Late answers during the cooldown change nothing.
	if h.Failed(s, "a", ClassHTTP5xx, now.Add(time.Second)) {
		t.Fatal("marked again during cooldown")
	}
	h.Succeeded(s, "a")
	if h.Healthy(s, "a", now.Add(5*time.Second)) {
		t.Fatal("a late success ended the cooldown")
	}
	if !h.Healthy(s, "a", now.Add(10*time.Second)) {
		t.Fatal("unhealthy after cooldown")
	}
	// After the cooldown it takes 3 more failures.
	later := now.Add(11 * time.Second)
	if h.Failed(s, "a", ClassHTTP5xx, later) || h.Failed(s, "a", ClassHTTP5xx, later) || !h.Failed(s, "a", ClassHTTP5xx, later) {
		t.Fatal("second round")
	}
	if !h.Healthy(s, "b", later) {
		t.Fatal("instances share health")
	}
}

// A worker that loses the CAS race re-reads and counts on top of the other's write.
func TestHealthCountsRacingWorkers(t *testing.T) {
	s := newMemStore()
	h := HealthPolicy{Failures: 2, Cooldown: time.Second}
	h.Failed(s, "a", ClassHTTP5xx, t0) // 1:0
	s.beforeSet = func(key string) {
		h.Failed(s, "a", ClassHTTP5xx, t0) // the other worker's second failure wins the race
	}
	h.Failed(s, "a", ClassHTTP5xx, t0)
	fails, until := parseHealth([]byte(s.value("ai-proxy/health/a")))
	if until == 0 || fails != 0 {
		t.Fatalf("fails %d until %d", fails, until)
	}
}

// Config.Eligible and Config.Record put strategy, exhaustion and health together.
func TestEligibleAndRecord(t *testing.T) {
	s := newMemStore()
	a := &Instance{Name: "a"}
	plain := &Config{}
	if !plain.Eligible(a, "a,b", s, t0) {
		t.Fatal("exhaustion counts only with rate_limiting")
	}
	plain.Record(s, a, ClassHTTP5xx, t0)
	if s.values["ai-proxy/health/a"] != nil {
		t.Fatal("health recorded without instance_health_and_rate_limiting")
	}
	c := &Config{Fallback: FallbackSet(0).with(ClassRateLimiting), SkipUnhealthy: true, Health: HealthPolicy{Failures: 1, Cooldown: time.Second}}
	if c.Eligible(a, "x, a", s, t0) || !c.Eligible(a, "ab,x", s, t0) {
		t.Fatal("exhausted list")
	}
	c.Record(s, a, ClassHTTP5xx, t0)
	if c.Eligible(a, "", s, t0) || !c.Eligible(a, "", s, t0.Add(time.Second)) {
		t.Fatal("health")
	}
	c.Record(s, a, ClassNone, t0.Add(time.Second))
	if !c.Retries(ClassRateLimiting) || c.Retries(ClassHTTP429) {
		t.Fatal("Retries")
	}
}
