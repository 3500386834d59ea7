package fakellm

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// Request is one request the fake received, as it arrived (headers include credentials:
// tests check what the gateway sent upstream).
type Request struct {
	Time     time.Time
	Method   string
	Path     string
	RawQuery string
	Header   http.Header
	Body     []byte
	API      API    // the API the path belongs to (for an unknown path: the one whose error shape answered)
	Endpoint string // the operation matched, e.g. "chat/completions", "messages", "generateContent"; "" if none
}

// MarshalJSON writes the body as a string, for GET /_fake/requests (bodies are JSON
// text, or multipart forms whose binary parts come out with U+FFFD for invalid UTF-8).
func (r Request) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Time     time.Time   `json:"time"`
		Method   string      `json:"method"`
		Path     string      `json:"path"`
		RawQuery string      `json:"raw_query"`
		Header   http.Header `json:"header"`
		Body     string      `json:"body"`
		API      API         `json:"api"`
		Endpoint string      `json:"endpoint"`
	}{r.Time, r.Method, r.Path, r.RawQuery, r.Header, string(r.Body), r.API, r.Endpoint})
}

// requestLog is the goroutine-safe record of every request outside /_fake/.
type requestLog struct {
	mu      sync.Mutex
	limit   int // keep at most this many, the newest; 0 keeps all
	reqs    []Request
	changed chan struct{} // closed and replaced on every add, to wake WaitForRequests
}

func newRequestLog(limit int) *requestLog {
	return &requestLog{limit: limit, changed: make(chan struct{})}
}

func (l *requestLog) add(r Request) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.reqs = append(l.reqs, r)
	if l.limit > 0 && len(l.reqs) > 2*l.limit {
		// Trim in batches so a long load run costs O(1) per request and bounded memory.
		l.reqs = append([]Request(nil), l.reqs[len(l.reqs)-l.limit:]...)
	}
	close(l.changed)
	l.changed = make(chan struct{})
}

// snapshot returns a copy of the requests so far and a channel closed at the next add.
func (l *requestLog) snapshot() ([]Request, <-chan struct{}) {
	l.mu.Lock()
	defer l.mu.Unlock()
	reqs := l.reqs
	if l.limit > 0 && len(reqs) > l.limit {
		reqs = reqs[len(reqs)-l.limit:]
	}
	return append([]Request(nil), reqs...), l.changed
}

func (l *requestLog) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.reqs)
}

func (l *requestLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.reqs = nil
}

// Requests returns every request recorded since the start or the last Reset, oldest first.
func (h *Handler) Requests() []Request {
	reqs, _ := h.requests.snapshot()
	return reqs
}

// Last returns the most recent request, if any.
func (h *Handler) Last() (Request, bool) {
	reqs, _ := h.requests.snapshot()
	if len(reqs) == 0 {
		return Request{}, false
	}
	return reqs[len(reqs)-1], true
}

// Reset forgets every recorded request.
func (h *Handler) Reset() { h.requests.reset() }

// WaitForRequests waits until at least n requests are recorded and returns them, or
// returns what there is and an error after timeout.
func (h *Handler) WaitForRequests(n int, timeout time.Duration) ([]Request, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		reqs, changed := h.requests.snapshot()
		if len(reqs) >= n {
			return reqs, nil
		}
		select {
		case <-changed:
		case <-deadline.C:
			return reqs, fmt.Errorf("fakellm: %d of %d requests after %v", len(reqs), n, timeout)
		}
	}
}
