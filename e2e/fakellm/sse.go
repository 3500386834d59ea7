package fakellm

import (
	"bytes"
	"net/http"
)

// event is one stream event, ready to be framed.
type event struct {
	name  string // SSE "event:" line (Anthropic); "" for none
	data  []byte // JSON, or OpenAI's [DONE]
	token bool   // carries one token of the answer: what faults count and cut at
}

// framing writes a stream's events on the wire.
type framing interface {
	start(w http.ResponseWriter) // headers
	event(w http.ResponseWriter, index int, e event)
	end(w http.ResponseWriter)
}

// sseFraming is server-sent events: an optional "event:" line, a "data:" line, a blank line.
type sseFraming struct{}

func (sseFraming) start(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
}

func (sseFraming) event(w http.ResponseWriter, _ int, e event) {
	var b bytes.Buffer
	if e.name != "" {
		b.WriteString("event: " + e.name + "\n")
	}
	b.WriteString("data: ")
	b.Write(e.data)
	b.WriteString("\n\n")
	w.Write(b.Bytes()) // a failed write means the client left; the next pause notices
}

func (sseFraming) end(http.ResponseWriter) {}

// jsonArrayFraming is what Gemini's streamGenerateContent sends without alt=sse: one
// JSON array whose elements arrive one by one.
type jsonArrayFraming struct{}

func (jsonArrayFraming) start(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(http.StatusOK)
	w.Write([]byte("["))
}

func (jsonArrayFraming) event(w http.ResponseWriter, index int, e event) {
	if index > 0 {
		w.Write([]byte(",\r\n"))
	}
	w.Write(e.data)
}

func (jsonArrayFraming) end(w http.ResponseWriter) { w.Write([]byte("]")) }

// flush pushes what was written to the client now, not when a buffer fills.
func flush(w http.ResponseWriter) {
	_ = http.NewResponseController(w).Flush() // an error means the client left
}
