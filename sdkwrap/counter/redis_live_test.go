//go:build !wasip1

package counter

import (
	"math/rand"
	"strconv"
	"strings"
	"testing"

	"github.com/aiwasm/aiwasm/e2e/testbed"
)

// evalLive runs the script on a real Redis, as the Higress host would send it.
func evalLive(t *testing.T, r *testbed.Redis, key string, now int64, q quota) string {
	t.Helper()
	reply, err := r.Do("EVAL", redisScript, "1", key, strconv.FormatInt(now, 10), strconv.FormatInt(q.size, 10),
		strconv.FormatInt(q.limit, 10), strconv.FormatInt(q.cost, 10), flag(q.sliding), flag(q.overdraw))
	if err != nil {
		t.Fatal(err)
	}
	return reply
}

// The Lua script and decide make the same decisions and store the same state, step by step,
// over random sequences of fixed and sliding windows, reads, overdraws and huge token counts.
func TestRedisScriptMatchesDecide(t *testing.T) {
	r := testbed.MustStartRedis(t, "")
	rng := rand.New(rand.NewSource(7))
	for seq := range 40 {
		key := "live/" + strconv.Itoa(seq)
		q := quota{size: 1000 * (1 + rng.Int63n(120)), sliding: seq%2 == 0, limit: 1 + rng.Int63n(20)}
		if seq%5 == 0 {
			q.limit = 1 + rng.Int63n(1<<40) // token budgets
		}
		var shadow state
		now := int64(t0)
		for step := range 60 {
			// Keep every TTL well above the test's real duration: the script's TTLs are
			// relative to now, Redis expires in real time.
			now += rng.Int63n(q.size / 2)
			if now%q.size > q.size-300 {
				now += q.size - now%q.size
			}
			q.cost = rng.Int63n(q.limit/3 + 2)
			q.overdraw = rng.Intn(6) == 0
			next, want, write := decide(shadow, now, q)
			if write {
				shadow = next
			}
			got, err := redisDecision([]byte(evalLive(t, r, key, now, q)), now, q)
			if err != nil || got != want {
				t.Fatalf("seq %d step %d %+v at %d: redis %+v %v, decide %+v", seq, step, q, now, got, err, want)
			}
			stored, _ := r.Do("HMGET", key, "s", "c", "p")
			wantStored := "*3\r\n$-1\r\n$-1\r\n$-1\r\n" // nothing written yet
			if shadow != (state{}) {
				wantStored = "*3\r\n" + bulk(shadow.start) + bulk(shadow.count) + bulk(shadow.prev)
			}
			if stored != wantStored {
				t.Fatalf("seq %d step %d: redis holds %q, decide %+v", seq, step, stored, shadow)
			}
		}
	}
}

func bulk(n int64) string {
	s := strconv.FormatInt(n, 10)
	return "$" + strconv.Itoa(len(s)) + "\r\n" + s + "\r\n"
}

// Keys expire once no window can read them: the window's end for fixed windows, one window
// later for sliding ones. Reads and denials write nothing, so create no key.
func TestRedisScriptExpiresKeys(t *testing.T) {
	r := testbed.MustStartRedis(t, "")
	now := int64(t0 + 15_000)
	for _, c := range []struct {
		key     string
		sliding bool
		wantTTL int64
	}{{"exp/fixed", false, 45_000}, {"exp/sliding", true, 105_000}} {
		evalLive(t, r, c.key, now, quota{limit: 5, cost: 1, size: 60_000, sliding: c.sliding})
		reply, _ := r.Do("PTTL", c.key)
		ttl, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(reply, ":"), "\r\n"), 10, 64)
		if err != nil || ttl <= c.wantTTL-1000 || ttl > c.wantTTL {
			t.Errorf("%s: PTTL %q, want just under %d", c.key, reply, c.wantTTL)
		}
	}
	evalLive(t, r, "exp/read", now, quota{limit: 5, cost: 0, size: 60_000})
	evalLive(t, r, "exp/denied", now, quota{limit: 5, cost: 6, size: 60_000})
	if reply, _ := r.Do("EXISTS", "exp/read", "exp/denied"); reply != ":0\r\n" {
		t.Errorf("EXISTS after a read and a denial = %q, want :0", reply)
	}
}
