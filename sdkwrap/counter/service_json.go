package counter

import (
	"errors"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/tidwall/gjson"
)

// serviceBody is the ratelimit service's RateLimitRequest in JSON, one descriptor:
// {"domain":..,"descriptors":[{"entries":[{"key":..,"value":..}]}],"hits_addend":cost}.
func serviceBody(domain string, d []Entry, cost int64) []byte {
	n := 80 + len(domain)
	for _, e := range d {
		n += 24 + len(e.Key) + len(e.Value)
	}
	b := make([]byte, 0, n)
	b = append(b, `{"domain":`...)
	b = appendJSONString(b, domain)
	b = append(b, `,"descriptors":[{"entries":[`...)
	for i, e := range d {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"key":`...)
		b = appendJSONString(b, e.Key)
		b = append(b, `,"value":`...)
		b = appendJSONString(b, e.Value)
		b = append(b, '}')
	}
	b = append(b, `]}],"hits_addend":`...)
	b = strconv.AppendInt(b, cost, 10)
	return append(b, '}')
}

// appendJSONString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD: the service
// answers 400 to a request holding it (measured), which would fail every request of a client
// sending such a header.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				b = append(b, `\ufffd`...)
			} else {
				b = append(b, s[i:i+size]...)
			}
			i += size
			continue
		}
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			b = append(b, c)
		}
		i++
	}
	return append(b, '"')
}

// parseServiceAnswer turns the service's answer into a decision. What it relies on, measured
// against envoyproxy/ratelimit:
//   - 200 with overallCode OK, 429 with OVER_LIMIT; a failure inside the service (its Redis
//     down, a request it cannot read) is 400 "Bad Request";
//   - statuses[0].currentLimit.requestsPerUnit is the limit; a descriptor the service has no
//     limit for answers OK with no currentLimit at all (unlimited);
//   - limitRemaining is left out when it is 0 (protobuf JSON omits zero values), and always
//     when over the limit;
//   - durationUntilReset is a protobuf Duration such as "55s".
//
// Anything else is an error: the caller's policy decides.
func parseServiceAnswer(status int, body []byte) (Decision, error) {
	var wantCode string
	switch status {
	case 200:
		wantCode = "OK"
	case 429:
		wantCode = "OVER_LIMIT"
	default:
		return Decision{}, fmt.Errorf("counter: ratelimit service answered %d", status)
	}
	if !gjson.ValidBytes(body) {
		return Decision{}, fmt.Errorf("counter: ratelimit service answered %d with a body that is not JSON", status)
	}
	answer := gjson.ParseBytes(body)
	if code := answer.Get("overallCode").String(); code != wantCode {
		return Decision{}, fmt.Errorf("counter: ratelimit service answered %d with overallCode %q", status, code)
	}
	st := answer.Get("statuses.0")
	if !st.IsObject() {
		return Decision{}, errors.New("counter: ratelimit service answered without statuses")
	}
	allowed := status == 200
	limit := st.Get("currentLimit")
	if !limit.Exists() {
		return Decision{Allowed: allowed, Unlimited: allowed}, nil
	}
	perUnit, err := serviceNumber(limit.Get("requestsPerUnit"))
	if err != nil {
		return Decision{}, err
	}
	remaining, err := serviceNumber(st.Get("limitRemaining"))
	if err != nil {
		return Decision{}, err
	}
	var reset time.Duration
	if r := st.Get("durationUntilReset"); r.Exists() {
		if reset, err = time.ParseDuration(r.String()); err != nil || reset < 0 {
			return Decision{}, fmt.Errorf("counter: ratelimit service answered durationUntilReset %q", r.String())
		}
	}
	d := Decision{Allowed: allowed, Limit: perUnit, Remaining: remaining, ResetAfter: reset}
	if !allowed {
		d.Remaining = 0
	}
	d.Count = max(d.Limit-d.Remaining, 0)
	return d, nil
}

// serviceNumber reads an unsigned 32-bit protobuf field: absent means 0.
func serviceNumber(v gjson.Result) (int64, error) {
	if !v.Exists() {
		return 0, nil
	}
	if v.Type != gjson.Number || v.Num < 0 || v.Num > 1<<32-1 || v.Num != float64(int64(v.Num)) {
		return 0, fmt.Errorf("counter: ratelimit service answered a %s where a count belongs", v.Type)
	}
	return int64(v.Num), nil
}
