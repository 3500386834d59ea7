package main

import (
	"strconv"
	"strings"
	"time"
)

// Health defaults (the health object overrides them).
const (
	defaultHealthFailures = 3
	defaultHealthCooldown = 10 * time.Second
)

// HealthPolicy marks instances unhealthy under fallback_strategy
// instance_health_and_rate_limiting: Failures health-class failures in a row (http_5xx,
// timeout, connect_failure) take an instance out for Cooldown; any success resets the
// count. The state is shared by the workers under ai-proxy/health/<instance> as
// "<failures in a row>:<unhealthy until, Unix ms>", so one worker's failures count for all.
// When the cooldown ends the instance is tried again, and Failures more failures take it
// out again.
type HealthPolicy struct {
	Failures int
	Cooldown time.Duration
}

func healthKey(instance string) string { return sharedPrefix + "health/" + instance }

// Healthy reports whether instance may be tried now.
func (h HealthPolicy) Healthy(s sharedStore, instance string, now time.Time) bool {
	v, _, ok := s.get(healthKey(instance))
	if !ok {
		return true
	}
	_, until := parseHealth(v)
	return until <= unixMillis(now)
}

// Failed records a failed attempt on instance; classes that say nothing about health are
// ignored. It reports whether this failure took the instance out.
func (h HealthPolicy) Failed(s sharedStore, instance string, c Class, now time.Time) bool {
	if !c.Health() {
		return false
	}
	nowMs := unixMillis(now)
	marked := false
	update(s, healthKey(instance), func(old []byte) ([]byte, bool) {
		fails, until := parseHealth(old)
		if until > nowMs {
			marked = false
			return nil, false // already out: a late answer from before changes nothing
		}
		fails++
		marked = fails >= h.Failures
		if marked {
			return formatHealth(0, unixMillis(now.Add(h.Cooldown))), true
		}
		return formatHealth(fails, 0), true
	})
	return marked
}

// Succeeded records a successful attempt: the failure count starts again. It writes only
// when there is something to reset, so healthy traffic costs one read.
func (h HealthPolicy) Succeeded(s sharedStore, instance string) {
	update(s, healthKey(instance), func(old []byte) ([]byte, bool) {
		fails, _ := parseHealth(old)
		if fails == 0 {
			return nil, false
		}
		return formatHealth(0, 0), true
	})
}

func parseHealth(b []byte) (fails int, until int64) {
	f, u, _ := strings.Cut(string(b), ":")
	fails, _ = strconv.Atoi(f)
	until, _ = strconv.ParseInt(u, 10, 64)
	return fails, until
}

func formatHealth(fails int, until int64) []byte {
	return []byte(strconv.Itoa(fails) + ":" + strconv.FormatInt(until, 10))
}
