package fakellm

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// call is one request being answered: what every endpoint needs to read it and reply.
type call struct {
	h         *Handler
	w         *statusWriter
	r         *http.Request
	body      []byte
	api       API
	pathModel string // model named by the path: Azure deployment, Gemini model, OpenAI model id
	fault     Fault  // instance fault with this request's x-fake-* headers applied
	aborted   bool   // the connection was dropped on purpose (or the client left)
}

// decodeBody reads the JSON body into v; on failure it answers 400 and returns false.
func (c *call) decodeBody(v any) bool {
	if err := json.Unmarshal(c.body, v); err != nil {
		c.fail(apiError{status: http.StatusBadRequest, message: "We could not parse the JSON body of your request: " + err.Error()})
		return false
	}
	return true
}

// fail answers e in the called API's error shape.
func (c *call) fail(e apiError) {
	c.writeJSON(e.status, errorBody(c.api, e))
}

// failInjected answers the status the fault asks for, with Retry-After where due.
func (c *call) failInjected() {
	retry := c.fault.retryAfter()
	if retry > 0 {
		c.w.Header().Set("Retry-After", strconv.Itoa(retry))
	}
	c.fail(injectedError(c.api, c.fault.Status, retry))
}

// writeJSON answers status with v as a JSON body, no faults applied.
func (c *call) writeJSON(status int, v any) {
	body := mustJSON(v)
	c.w.Header().Set("Content-Type", "application/json")
	c.w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	c.w.WriteHeader(status)
	c.w.Write(body)
}

// pause waits d. If the client leaves or the server closes first it aborts the handler
// (panic(http.ErrAbortHandler), which net/http turns into a closed connection): there is
// no one left to answer.
func (c *call) pause(d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-c.r.Context().Done():
		panic(http.ErrAbortHandler)
	case <-c.h.closing:
		panic(http.ErrAbortHandler)
	}
}

// hang waits for the client to leave or the server to close, then aborts the handler.
func (c *call) hang() {
	select {
	case <-c.r.Context().Done():
	case <-c.h.closing:
	}
	panic(http.ErrAbortHandler)
}

// mustJSON marshals the fake's own response types, which cannot fail; if one ever did,
// the panic becomes a 500 in ServeHTTP.
func mustJSON(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // keep "<" and "&" in echoed prompts readable
	if err := enc.Encode(v); err != nil {
		panic(err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// statusWriter remembers the status sent, for the log and for the panic handler.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's Flush.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
