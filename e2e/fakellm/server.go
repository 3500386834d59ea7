package fakellm

import (
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultModels are the model ids GET /v1/models lists when Config.Models is empty.
var DefaultModels = []string{"gpt-4o", "gpt-4o-mini", "text-embedding-3-small"}

// maxBodyBytes bounds a request body; larger ones get 413.
const maxBodyBytes = 32 << 20

// Config sets up a fake. The zero Config accepts any credential and misbehaves in no way.
type Config struct {
	// Expected credential per API; "" accepts any (or none).
	OpenAIKey    string // Authorization: Bearer <key>
	AzureKey     string // api-key: <key> (or Authorization: Bearer <key>)
	AnthropicKey string // x-api-key: <key>
	GeminiKey    string // x-goog-api-key: <key> or ?key=<key>

	// Fault applies to every request until SetFault changes it; x-fake-* headers
	// override it field by field.
	Fault Fault

	// Models are the ids GET /v1/models lists and GET /v1/models/{id} knows;
	// empty means DefaultModels. Generation endpoints accept any model.
	Models []string

	// KeepRequests bounds the record to the newest this many requests (load runs); 0
	// keeps every request.
	KeepRequests int

	// Logger, if set, gets one line per request (never headers, never keys).
	Logger *log.Logger
}

// Handler is the fake LLM server as an http.Handler; Start wraps it in a listening
// server. It is safe for concurrent use.
type Handler struct {
	cfg      Config
	requests *requestLog

	faultMu sync.RWMutex
	fault   Fault

	// closing is closed by stop: it ends every delay and stall at once.
	closing   chan struct{}
	closeMu   sync.Mutex // orders enter against stop, so running.Add never races Wait
	closed    bool
	running   sync.WaitGroup
	inFlight  atomic.Int64 // requests being served, for tests of clean shutdown
	closeOnce sync.Once
}

// New returns a fake configured by cfg.
func New(cfg Config) (*Handler, error) {
	if err := cfg.Fault.validate(); err != nil {
		return nil, err
	}
	if len(cfg.Models) == 0 {
		cfg.Models = DefaultModels
	}
	return &Handler{cfg: cfg, fault: cfg.Fault, requests: newRequestLog(cfg.KeepRequests), closing: make(chan struct{})}, nil
}

// SetFault replaces the instance fault for the requests that follow.
func (h *Handler) SetFault(f Fault) error {
	if err := f.validate(); err != nil {
		return err
	}
	h.faultMu.Lock()
	defer h.faultMu.Unlock()
	h.fault = f
	return nil
}

// Fault returns the instance fault.
func (h *Handler) Fault() Fault {
	h.faultMu.RLock()
	defer h.faultMu.RUnlock()
	return h.fault
}

// ServeHTTP answers one request: /_fake/ control paths, or an API call, which is
// recorded and then checked in order for path, method, credential, fault headers,
// first-token delay and injected status before its endpoint answers it.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, controlPrefix) {
		h.serveControl(w, r)
		return
	}
	if !h.enter() {
		http.Error(w, "fakellm: shutting down", http.StatusServiceUnavailable)
		return
	}
	defer h.leave()

	start := time.Now()
	rt := matchRoute(r)
	c := &call{h: h, w: &statusWriter{ResponseWriter: w}, r: r, api: rt.api, pathModel: rt.pathModel}
	defer h.logCall(c, start)
	defer c.recoverPanic()

	body, readErr := io.ReadAll(http.MaxBytesReader(c.w, r.Body, maxBodyBytes))
	c.body = body
	rec := Request{Time: start, Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery,
		Header: r.Header.Clone(), Body: body, API: rt.api}
	if rt.endpoint != nil {
		rec.Endpoint = rt.endpoint.name
	}
	h.requests.add(rec)

	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(readErr, &tooLarge):
		c.fail(apiError{status: http.StatusRequestEntityTooLarge, message: "Request body too large."})
	case readErr != nil:
		c.fail(apiError{status: http.StatusBadRequest, message: "Could not read the request body."})
	default:
		h.serveCall(c, rt.endpoint)
	}
}

func (h *Handler) serveCall(c *call, ep *endpoint) {
	if ep == nil {
		c.fail(apiError{status: http.StatusNotFound, message: fmt.Sprintf("Invalid URL (%s %s)", c.r.Method, c.r.URL.Path)})
		return
	}
	if c.r.Method != ep.method {
		c.w.Header().Set("Allow", ep.method)
		c.fail(apiError{status: http.StatusMethodNotAllowed, message: fmt.Sprintf("Method %s is not allowed for %s; use %s.", c.r.Method, c.r.URL.Path, ep.method)})
		return
	}
	if e, ok := h.checkCredential(c); !ok {
		c.fail(e)
		return
	}
	fault, err := h.Fault().withHeaders(c.r.Header)
	if err != nil {
		c.fail(apiError{status: http.StatusBadRequest, message: "fakellm: " + err.Error()})
		return
	}
	c.fault = fault
	c.pause(fault.FirstTokenDelay)
	if fault.Status != 0 {
		c.failInjected()
		return
	}
	ep.serve(c)
}

// recoverPanic turns a panic into a 500 in the API's error shape (or, once the answer
// has begun, into a dropped connection). Aborts asked for with http.ErrAbortHandler
// pass through.
func (c *call) recoverPanic() {
	v := recover()
	if v == nil {
		return
	}
	if v != http.ErrAbortHandler {
		c.h.logf("fakellm: panic serving %s %s: %v", c.r.Method, c.r.URL.Path, v)
		if c.w.status == 0 {
			c.fail(apiError{status: http.StatusInternalServerError, message: "The fake LLM failed while answering this request."})
			return
		}
	}
	c.aborted = true
	panic(http.ErrAbortHandler)
}

func (h *Handler) logCall(c *call, start time.Time) {
	status := "none"
	switch {
	case c.aborted:
		status = "aborted"
	case c.w.status != 0:
		status = strconv.Itoa(c.w.status)
	}
	h.logf("fakellm: %s %s api=%s status=%s %v", c.r.Method, c.r.URL.Path, c.api, status, time.Since(start).Round(time.Microsecond))
}

func (h *Handler) logf(format string, args ...any) {
	if h.cfg.Logger != nil {
		h.cfg.Logger.Printf(format, args...)
	}
}

// enter counts a request in, unless the fake is shutting down.
func (h *Handler) enter() bool {
	h.closeMu.Lock()
	defer h.closeMu.Unlock()
	if h.closed {
		return false
	}
	h.running.Add(1)
	h.inFlight.Add(1)
	return true
}

func (h *Handler) leave() {
	h.inFlight.Add(-1)
	h.running.Done()
}

// stop ends every delay and stall at once and refuses new requests.
func (h *Handler) stop() {
	h.closeOnce.Do(func() {
		h.closeMu.Lock()
		defer h.closeMu.Unlock()
		h.closed = true
		close(h.closing)
	})
}

// wait waits up to timeout for the requests being served to return.
func (h *Handler) wait(timeout time.Duration) error {
	done := make(chan struct{})
	go func() { h.running.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-time.After(timeout):
		return fmt.Errorf("fakellm: %d requests still running after %v", h.inFlight.Load(), timeout)
	}
}
