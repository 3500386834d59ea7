package counter

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/aiwasm/aiwasm/sdkwrap/resp"
)

// redisScript is decide (decide.go) as one atomic Lua script, on a hash per counter with the
// fields s (window start), c (count) and p (previous count). It returns the state rolled to
// the current window before this Take's cost, and whether the cost fitted; the caller
// recomputes the decision from those with decide, so both backends answer alike.
//
// The key expires when nothing can read it any more: at the window's end for fixed windows,
// one window later for sliding ones (the next window weighs this count). Lua numbers are
// doubles: counts are exact up to 2^53 (MaxUnits), and the sliding weight, computed as
// whole×rest + ceil(part×rest/size) with part < size, is exact for windows up to 26 hours
// (size² < 2^53); longer sliding windows may differ from decide by one unit, which the
// caller reports as an error.
//
// KEYS[1] the counter; ARGV: now (Unix ms), size (ms), limit, cost, sliding (0/1),
// overdraw (0/1).
const redisScript = `local now, size, limit, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
` + redisRoll + `local used = c
if ARGV[5] == '1' and p > 0 then
  local e = math.max(now - cur, 0)
  if e < size then
    local rest, whole = size - e, math.floor(p / size)
    used = used + whole * rest + math.ceil((p - whole * size) * rest / size)
  end
end
local fits = used + cost <= limit
if cost > 0 and (fits or ARGV[6] == '1') then
  redis.call('HSET', KEYS[1], 's', cur, 'c', math.min(c + cost, 9007199254740992), 'p', p)
  local ttl = cur + size - now
  if ARGV[5] == '1' then ttl = ttl + size end
  redis.call('PEXPIRE', KEYS[1], math.max(ttl, 1))
end
return {cur, c, p, fits and 1 or 0}`

// redisRefundScript is refund (refund.go) as one atomic Lua script on the same hash: roll
// the state as redisScript does, take the cost off the window that counted it (ARGV[4], Unix
// ms; 0 for the current one) if it is the current one or a sliding window's previous one,
// and return the state afterwards with 1.
//
// KEYS[1] the counter; ARGV: now (Unix ms), size (ms), cost, counted at, sliding (0/1).
const redisRefundScript = `local now, size, cost, at = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
` + redisRoll + `local counted = cur
if at ~= 0 then counted = at - at % size end
local changed = false
if cost > 0 and counted == cur and c > 0 then
  c, changed = math.max(c - cost, 0), true
elseif cost > 0 and ARGV[5] == '1' and counted == cur - size and p > 0 then
  p, changed = math.max(p - cost, 0), true
end
if changed then
  redis.call('HSET', KEYS[1], 's', cur, 'c', c, 'p', p)
  local ttl = cur + size - now
  if ARGV[5] == '1' then ttl = ttl + size end
  redis.call('PEXPIRE', KEYS[1], math.max(ttl, 1))
end
return {cur, c, p, 1}`

// redisQuery is the EVAL command for one Take, RESP-encoded.
func redisQuery(key string, now int64, q quota) []byte {
	if q.refund {
		return resp.Encode("EVAL", redisRefundScript, "1", key,
			strconv.FormatInt(now, 10), strconv.FormatInt(q.size, 10), strconv.FormatInt(q.cost, 10),
			strconv.FormatInt(q.countedAt, 10), flag(q.sliding))
	}
	return resp.Encode("EVAL", redisScript, "1", key,
		strconv.FormatInt(now, 10), strconv.FormatInt(q.size, 10),
		strconv.FormatInt(q.limit, 10), strconv.FormatInt(q.cost, 10),
		flag(q.sliding), flag(q.overdraw))
}

func flag(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// redisDecision turns the script's reply into the decision decide makes on the same state.
func redisDecision(reply []byte, now int64, q quota) (Decision, error) {
	vals, err := parseIntArray(reply)
	if err != nil {
		return Decision{}, err
	}
	if len(vals) != 4 {
		return Decision{}, fmt.Errorf("counter: redis script answered %d values, want 4", len(vals))
	}
	s := state{start: vals[0], count: vals[1], prev: vals[2]}
	if q.refund {
		// The state after the refund: what is left is a read of it.
		read := q
		read.cost, read.refund = 0, false
		_, d, _ := decide(s, now, read)
		return d, nil
	}
	_, d, _ := decide(s, now, q)
	if fits := vals[3] == 1; q.cost > 0 && fits != d.Allowed {
		return Decision{}, errors.New("counter: redis script and decide disagree (sliding window too long for Lua's doubles?)")
	}
	return d, nil
}

// parseIntArray reads a RESP array of integers; an error reply becomes an error carrying the
// reply's first line (Redis error text names no keys or arguments).
func parseIntArray(reply []byte) ([]int64, error) {
	r, err := resp.Parse(reply)
	switch {
	case err != nil:
		return nil, fmt.Errorf("counter: %w", err)
	case r.Err() != nil:
		return nil, fmt.Errorf("counter: %w", r.Err())
	case r.Kind != '*' || r.Null:
		return nil, fmt.Errorf("counter: redis answered a %q reply, want an array", r.Kind)
	}
	vals := make([]int64, len(r.Elems))
	for i, e := range r.Elems {
		if e.Kind != ':' {
			return nil, errors.New("counter: redis array holds something other than integers")
		}
		vals[i] = e.Int
	}
	return vals, nil
}

// redisRoll reads a counter's hash (s: window start, c: its count, p: the previous window's)
// and rolls it to the window holding now, as decide does: both scripts start with it. It
// expects the locals now and size.
const redisRoll = `local v = redis.call('HMGET', KEYS[1], 's', 'c', 'p')
local s, c, p = tonumber(v[1]) or 0, tonumber(v[2]) or 0, tonumber(v[3]) or 0
local cur = now - now % size
if s == cur or (s > cur and s <= cur + size) then
  cur = s
elseif s == cur - size then
  p, c = c, 0
else
  c, p = 0, 0
end
`
