package main

import (
	"strconv"
	"strings"
	"time"
)

// Cooldowns of a key the provider refused, when its answer carries no usable Retry-After.
// A 429 usually clears within a minute (providers' limits are per minute); a 401 or 403
// means a revoked or unpaid key that an operator must fix, so it stays out longer but comes
// back on its own once fixed.
const (
	rateLimitedCooldown  = 60 * time.Second
	unauthorizedCooldown = 5 * time.Minute
	maxCooldown          = time.Hour // a Retry-After beyond this is taken as this
)

// keyRing rotates an instance's api_keys round robin, skipping keys that cool down. The
// rotation position is per worker; cooldowns are in shared data, so a key one worker saw
// refused is skipped by all: ai-proxy/cool/<instance>/<key index> holds the end of its
// cooldown in Unix milliseconds.
type keyRing struct {
	keys     []string // secrets: never logged, never in errors
	coolKeys []string // shared-data key of each
	next     int
}

func newKeyRing(instance string, keys []string) *keyRing {
	k := &keyRing{keys: keys, coolKeys: make([]string, len(keys))}
	for i := range keys {
		k.coolKeys[i] = sharedPrefix + "cool/" + instance + "/" + strconv.Itoa(i)
	}
	return k
}

// pick returns the index of the key to use now: the next one in rotation that is not
// cooling down; when all are, the one whose cooldown ends first (a request is better sent
// with the key most likely to work again than refused by the gateway).
func (k *keyRing) pick(s sharedStore, now time.Time) int {
	n := len(k.keys)
	nowMs := unixMillis(now)
	best, bestUntil := -1, int64(0)
	for step := 0; step < n; step++ {
		i := (k.next + step) % n
		until := k.coolUntil(s, i)
		if until <= nowMs {
			k.next = (i + 1) % n
			return i
		}
		if best < 0 || until < bestUntil {
			best, bestUntil = i, until
		}
	}
	k.next = (best + 1) % n
	return best
}

// coolUntil is when key i's cooldown ends, in Unix ms; 0 when it has none.
func (k *keyRing) coolUntil(s sharedStore, i int) int64 {
	v, _, ok := s.get(k.coolKeys[i])
	if !ok {
		return 0
	}
	return parseMillis(v)
}

// refused records the provider's answer to a request made with key i: a 401, 403 or 429
// cools the key down for Retry-After (seconds or an HTTP date) or the default for its
// status. It reports the cooldown, 0 for any other status. A cooldown never shortens one
// another worker set.
func (k *keyRing) refused(s sharedStore, i, status int, retryAfter string, now time.Time) time.Duration {
	var d time.Duration
	switch status {
	case 429:
		d = rateLimitedCooldown
	case 401, 403:
		d = unauthorizedCooldown
	default:
		return 0
	}
	if ra, ok := parseRetryAfter(retryAfter, now); ok {
		d = ra
	}
	until := unixMillis(now.Add(d))
	update(s, k.coolKeys[i], func(old []byte) ([]byte, bool) {
		if parseMillis(old) >= until {
			return nil, false
		}
		return []byte(strconv.FormatInt(until, 10)), true
	})
	return d
}

// parseRetryAfter reads a Retry-After value: delay-seconds or an HTTP date (RFC 9110),
// bounded to [1s, maxCooldown]; ok is false when absent or unreadable.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	var d time.Duration
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		if n > int64(maxCooldown/time.Second) {
			n = int64(maxCooldown / time.Second)
		}
		d = time.Duration(n) * time.Second
	} else {
		t, ok := parseHTTPDate(v)
		if !ok {
			return 0, false
		}
		d = t.Sub(now)
	}
	return min(max(d, time.Second), maxCooldown), true
}

// httpDateLayouts are the date forms HTTP allows: IMF-fixdate, then the obsolete RFC 850
// and asctime forms recipients must still read.
var httpDateLayouts = []string{
	"Mon, 02 Jan 2006 15:04:05 GMT",
	"Monday, 02-Jan-06 15:04:05 GMT",
	"Mon Jan _2 15:04:05 2006",
}

func parseHTTPDate(v string) (time.Time, bool) {
	for _, layout := range httpDateLayouts {
		if t, err := time.Parse(layout, v); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
