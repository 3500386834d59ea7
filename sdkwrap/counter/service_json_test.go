package counter

import (
	"encoding/json"
	"testing"
	"time"
)

func TestServiceBody(t *testing.T) {
	got := string(serviceBody("aiwasm", []Entry{{"consumer", "alice"}, {"model", "gpt-4o"}}, 3))
	want := `{"domain":"aiwasm","descriptors":[{"entries":[{"key":"consumer","value":"alice"},{"key":"model","value":"gpt-4o"}]}],"hits_addend":3}`
	if got != want {
		t.Fatalf("body\n%s\nwant\n%s", got, want)
	}
}

// Values with quotes, backslashes, control characters, non-ASCII and invalid UTF-8 come out
// as valid JSON that decodes to the same text (invalid bytes as U+FFFD).
func TestServiceBodyEscapes(t *testing.T) {
	value := "a\"b\\c\nd\x01e\u00e9\u2028f\xffg"
	body := serviceBody(`dom"ain`, []Entry{{"k\t", value}}, 1)
	var req struct {
		Domain      string
		Descriptors []struct{ Entries []struct{ Key, Value string } }
		HitsAddend  int `json:"hits_addend"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		t.Fatalf("%s: %v", body, err)
	}
	e := req.Descriptors[0].Entries[0]
	if req.Domain != `dom"ain` || e.Key != "k\t" || e.Value != "a\"b\\c\nd\x01e\u00e9\u2028f\ufffdg" || req.HitsAddend != 1 {
		t.Fatalf("decoded %+v from %s", req, body)
	}
}

func TestParseServiceAnswer(t *testing.T) {
	// Bodies as the real service (envoyproxy/ratelimit) sent them.
	for _, c := range []struct {
		name   string
		status int
		body   string
		want   Decision
	}{
		{"ok", 200, `{"overallCode":"OK", "statuses":[{"code":"OK", "currentLimit":{"requestsPerUnit":3, "unit":"MINUTE"}, "limitRemaining":2, "durationUntilReset":"16s"}]}`,
			Decision{Allowed: true, Limit: 3, Remaining: 2, Count: 1, ResetAfter: 16 * time.Second}},
		{"last one: limitRemaining left out", 200, `{"overallCode":"OK", "statuses":[{"code":"OK", "currentLimit":{"requestsPerUnit":3, "unit":"MINUTE"}, "durationUntilReset":"16s"}]}`,
			Decision{Allowed: true, Limit: 3, Remaining: 0, Count: 3, ResetAfter: 16 * time.Second}},
		{"over the limit", 429, `{"overallCode":"OVER_LIMIT", "statuses":[{"code":"OVER_LIMIT", "currentLimit":{"requestsPerUnit":3, "unit":"MINUTE"}, "durationUntilReset":"6s"}]}`,
			Decision{Allowed: false, Limit: 3, Count: 3, ResetAfter: 6 * time.Second}},
		{"no limit configured", 200, `{"overallCode":"OK", "statuses":[{"code":"OK"}]}`,
			Decision{Allowed: true, Unlimited: true}},
		{"fractional reset", 200, `{"overallCode":"OK","statuses":[{"code":"OK","currentLimit":{"requestsPerUnit":10,"unit":"SECOND"},"limitRemaining":9,"durationUntilReset":"0.250s"}]}`,
			Decision{Allowed: true, Limit: 10, Remaining: 9, Count: 1, ResetAfter: 250 * time.Millisecond}},
	} {
		d, err := parseServiceAnswer(c.status, []byte(c.body))
		if err != nil || d != c.want {
			t.Errorf("%s: %+v %v, want %+v", c.name, d, err, c.want)
		}
	}
}

func TestParseServiceAnswerErrors(t *testing.T) {
	for _, c := range []struct {
		name   string
		status int
		body   string
	}{
		{"service failure (its Redis down: measured 400)", 400, "Bad Request\n"},
		{"server error", 500, `{"overallCode":"OK","statuses":[{"code":"OK"}]}`},
		{"not JSON", 200, `<html>`},
		{"truncated", 200, `{"overallCode":"OK", "statuses":[{"code":"OK"`},
		{"status and code disagree", 200, `{"overallCode":"OVER_LIMIT","statuses":[{"code":"OVER_LIMIT"}]}`},
		{"unknown code", 200, `{"statuses":[{"code":"OK"}]}`},
		{"no statuses", 200, `{"overallCode":"OK"}`},
		{"limit not a number", 200, `{"overallCode":"OK","statuses":[{"code":"OK","currentLimit":{"requestsPerUnit":"3"}}]}`},
		{"negative remaining", 200, `{"overallCode":"OK","statuses":[{"code":"OK","currentLimit":{"requestsPerUnit":3},"limitRemaining":-1}]}`},
		{"bad duration", 200, `{"overallCode":"OK","statuses":[{"code":"OK","currentLimit":{"requestsPerUnit":3},"durationUntilReset":"soon"}]}`},
	} {
		if d, err := parseServiceAnswer(c.status, []byte(c.body)); err == nil {
			t.Errorf("%s: accepted as %+v", c.name, d)
		}
	}
}

func TestServiceRefusesWhatItCannotDo(t *testing.T) {
	s := RatelimitService("ratelimit", "aiwasm", time.Second)
	read := aliceReq
	read.Cost = 0
	if _, err := takeSyncAny(s, read); err != ErrReadUnsupported {
		t.Errorf("cost 0: %v, want ErrReadUnsupported", err)
	}
	big := aliceReq
	big.Cost = 1 << 32
	if _, err := takeSyncAny(s, big); err == nil {
		t.Error("cost 2^32 accepted")
	}
	if _, err := takeSyncAny(s, Request{Cost: 1}); err == nil {
		t.Error("empty descriptor accepted")
	}
}

// takeSyncAny runs a Take that must answer at once.
func takeSyncAny(b Backend, req Request) (Decision, error) {
	var d Decision
	var err error
	if b.Take(req, func(dd Decision, e error) { d, err = dd, e }) {
		panic("pending")
	}
	return d, err
}
