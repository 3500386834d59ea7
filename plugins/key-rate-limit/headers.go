package main

import (
	"strconv"
	"time"

	"github.com/aiwasm/aiwasm/sdkwrap/counter"
	"github.com/aiwasm/aiwasm/sdkwrap/limitkey"
)

// quotaHeaders appends the headers that report decision d of window w of entry e to dst:
// X-RateLimit-Limit, -Remaining and -Reset (seconds until the window frees up), Retry-After on
// a refusal, and with ietf_headers the RateLimit-Policy and RateLimit fields of
// draft-ietf-httpapi-ratelimit-headers-11.
func quotaHeaders(dst [][2]string, c *Config, e *entry, w *unit, d counter.Decision, reset time.Duration, refused bool) [][2]string {
	secs := strconv.FormatInt(limitkey.CeilSeconds(reset), 10)
	remaining := d.Remaining
	if refused {
		remaining = 0
	}
	left := strconv.FormatInt(remaining, 10)
	dst = append(dst,
		[2]string{"x-ratelimit-limit", strconv.FormatInt(d.Limit, 10)},
		[2]string{"x-ratelimit-remaining", left},
		[2]string{"x-ratelimit-reset", secs})
	if refused {
		dst = append(dst, [2]string{"retry-after", secs})
	}
	if c.ietf {
		policy := e.Limits.policy
		if c.remote {
			// The service's limits are its own: only the deciding window's is known.
			policy = policyItem(w, d.Limit)
		}
		dst = append(dst,
			[2]string{"ratelimit-policy", policy},
			[2]string{"ratelimit", `"` + w.name + `";r=` + left + ";t=" + secs})
	}
	return dst
}
