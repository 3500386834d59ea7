package fakellm

import (
	"encoding/json"
	"io"
	"net/http"
)

// controlPrefix holds the fake's own endpoints, for scripts driving a fake in another
// process. They need no credential and are not recorded.
const controlPrefix = "/_fake/"

// serveControl answers:
//
//	GET    /_fake/requests   the recorded requests, as a JSON array
//	DELETE /_fake/requests   forget them
//	GET    /_fake/fault      the instance fault
//	PUT    /_fake/fault      set it, e.g. {"status":429,"retry_after":2} (see Fault's JSON)
func (h *Handler) serveControl(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case controlPrefix + "requests":
		switch r.Method {
		case http.MethodGet:
			reqs := h.Requests()
			if reqs == nil {
				reqs = []Request{} // [] rather than null for scripts
			}
			writeControlJSON(w, http.StatusOK, reqs)
		case http.MethodDelete:
			h.Reset()
			w.WriteHeader(http.StatusNoContent)
		default:
			controlMethodNotAllowed(w, "GET, DELETE")
		}
	case controlPrefix + "fault":
		switch r.Method {
		case http.MethodGet:
			writeControlJSON(w, http.StatusOK, h.Fault())
		case http.MethodPut:
			var f Fault
			body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
			if err == nil {
				err = json.Unmarshal(body, &f)
			}
			if err == nil {
				err = h.SetFault(f)
			}
			if err != nil {
				writeControlJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
				return
			}
			writeControlJSON(w, http.StatusOK, f)
		default:
			controlMethodNotAllowed(w, "GET, PUT")
		}
	default:
		writeControlJSON(w, http.StatusNotFound, map[string]string{"error": "no such control endpoint: " + r.URL.Path})
	}
}

func controlMethodNotAllowed(w http.ResponseWriter, allow string) {
	w.Header().Set("Allow", allow)
	writeControlJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "method not allowed; use " + allow})
}

func writeControlJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v) // a failed write means the client left
}
