package fakellm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Request headers that inject a fault into one request. Each one present overrides the
// same field of the instance Fault; the rest of the instance Fault still applies.
const (
	// HeaderStatus: answer this HTTP status (400-599) in the API's error shape; 0 turns
	// an instance status off.
	HeaderStatus = "x-fake-status"
	// HeaderRetryAfter: seconds for the Retry-After header of an injected status
	// (default 1 for 429; other statuses get none unless this is set).
	HeaderRetryAfter = "x-fake-retry-after"
	// HeaderFirstTokenDelay: milliseconds to wait before anything is sent.
	HeaderFirstTokenDelay = "x-fake-first-token-delay-ms"
	// HeaderTokenDelay: milliseconds to wait between stream events.
	HeaderTokenDelay = "x-fake-token-delay-ms"
	// HeaderCutAfter: close the connection abruptly after N (>= 1) token events of a
	// stream; a non-stream body is cut in half.
	HeaderCutAfter = "x-fake-cut-after"
	// HeaderStall: "1" sends the stream's headers and first token, then hangs until the
	// client goes away; a non-stream request gets nothing at all.
	HeaderStall = "x-fake-stall"
	// HeaderMalformed: "1" sends the first token event with invalid JSON; a non-stream
	// body is truncated JSON.
	HeaderMalformed = "x-fake-malformed"
	// HeaderNoUsage: "1" leaves every usage block out.
	HeaderNoUsage = "x-fake-no-usage"
)

// Fault is a misbehaviour the fake puts on requests: set per instance (Config.Fault,
// Handler.SetFault, PUT /_fake/fault) and per request (the x-fake-* headers, which win).
// The zero Fault is a well-behaved server.
type Fault struct {
	Status          int           // answer this error status (400-599); 0: none
	RetryAfter      int           // Retry-After seconds for Status; 0: 1 for 429, none otherwise
	FirstTokenDelay time.Duration // wait before the response starts
	TokenDelay      time.Duration // wait between stream events
	CutAfter        int           // abort a stream after this many token events; 0: never
	Stall           bool          // send the first token (stream) or nothing, then hang
	Malformed       bool          // invalid JSON in the first token event, or a truncated body
	NoUsage         bool          // leave usage out of every answer
}

// faultJSON is Fault on the wire (PUT /_fake/fault): delays in milliseconds.
type faultJSON struct {
	Status            int  `json:"status,omitempty"`
	RetryAfter        int  `json:"retry_after,omitempty"`
	FirstTokenDelayMS int  `json:"first_token_delay_ms,omitempty"`
	TokenDelayMS      int  `json:"token_delay_ms,omitempty"`
	CutAfter          int  `json:"cut_after,omitempty"`
	Stall             bool `json:"stall,omitempty"`
	Malformed         bool `json:"malformed,omitempty"`
	NoUsage           bool `json:"no_usage,omitempty"`
}

// MarshalJSON writes the Fault with snake_case names and delays in milliseconds.
func (f Fault) MarshalJSON() ([]byte, error) {
	return json.Marshal(faultJSON{
		Status: f.Status, RetryAfter: f.RetryAfter,
		FirstTokenDelayMS: int(f.FirstTokenDelay / time.Millisecond),
		TokenDelayMS:      int(f.TokenDelay / time.Millisecond),
		CutAfter:          f.CutAfter, Stall: f.Stall, Malformed: f.Malformed, NoUsage: f.NoUsage,
	})
}

// UnmarshalJSON reads what MarshalJSON writes; unknown fields are an error, so a typo
// in a demo script does not silently mean "no fault".
func (f *Fault) UnmarshalJSON(b []byte) error {
	var w faultJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return err
	}
	*f = Fault{
		Status: w.Status, RetryAfter: w.RetryAfter,
		FirstTokenDelay: time.Duration(w.FirstTokenDelayMS) * time.Millisecond,
		TokenDelay:      time.Duration(w.TokenDelayMS) * time.Millisecond,
		CutAfter:        w.CutAfter, Stall: w.Stall, Malformed: w.Malformed, NoUsage: w.NoUsage,
	}
	return nil
}

// validate rejects values the fake cannot act on.
func (f Fault) validate() error {
	switch {
	case f.Status != 0 && (f.Status < 400 || f.Status > 599):
		return fmt.Errorf("fault status %d is not an HTTP error status (400-599)", f.Status)
	case f.RetryAfter < 0, f.FirstTokenDelay < 0, f.TokenDelay < 0, f.CutAfter < 0:
		return fmt.Errorf("fault values must not be negative")
	}
	return nil
}

// withHeaders returns the fault for one request: f with every x-fake-* header present
// applied on top.
func (f Fault) withHeaders(h http.Header) (Fault, error) {
	ints := []struct {
		name string
		set  func(int)
	}{
		{HeaderStatus, func(n int) { f.Status = n }},
		{HeaderRetryAfter, func(n int) { f.RetryAfter = n }},
		{HeaderFirstTokenDelay, func(n int) { f.FirstTokenDelay = time.Duration(n) * time.Millisecond }},
		{HeaderTokenDelay, func(n int) { f.TokenDelay = time.Duration(n) * time.Millisecond }},
		{HeaderCutAfter, func(n int) { f.CutAfter = n }},
	}
	for _, field := range ints {
		if v := h.Get(field.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return f, fmt.Errorf("%s: %q is not a non-negative integer", field.name, v)
			}
			field.set(n)
		}
	}
	bools := []struct {
		name string
		dst  *bool
	}{
		{HeaderStall, &f.Stall},
		{HeaderMalformed, &f.Malformed},
		{HeaderNoUsage, &f.NoUsage},
	}
	for _, field := range bools {
		if v := h.Get(field.name); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return f, fmt.Errorf("%s: %q is not 1/0/true/false", field.name, v)
			}
			*field.dst = b
		}
	}
	return f, f.validate()
}

// retryAfter is the Retry-After the injected status carries, 0 for none.
func (f Fault) retryAfter() int {
	if f.RetryAfter == 0 && f.Status == http.StatusTooManyRequests {
		return 1
	}
	return f.RetryAfter
}
