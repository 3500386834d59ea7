package wasmhost

import (
	"strings"

	"github.com/aiwasm/aiwasm/sdkwrap/internal/headermap"
)

// Headers is an ordered header map as Envoy keeps it: lower-case names, repeated names allowed,
// pseudo-headers (":path", ":status", ...) included.
type Headers [][2]string

// H builds Headers from name, value pairs: H(":method", "GET", ":path", "/").
func H(nameValues ...string) Headers {
	if len(nameValues)%2 != 0 {
		panic("wasmhost.H: odd number of arguments")
	}
	h := make(Headers, 0, len(nameValues)/2)
	for i := 0; i < len(nameValues); i += 2 {
		h = append(h, [2]string{strings.ToLower(nameValues[i]), nameValues[i+1]})
	}
	return h
}

// Get returns the first value of name (case-insensitive).
func (h Headers) Get(name string) (string, bool) {
	name = strings.ToLower(name)
	for _, kv := range h {
		if kv[0] == name {
			return kv[1], true
		}
	}
	return "", false
}

// Value returns the first value of name, or "".
func (h Headers) Value(name string) string {
	v, _ := h.Get(name)
	return v
}

// Values returns every value of name in order.
func (h Headers) Values(name string) []string {
	name = strings.ToLower(name)
	var out []string
	for _, kv := range h {
		if kv[0] == name {
			out = append(out, kv[1])
		}
	}
	return out
}

// Has reports whether name is present.
func (h Headers) Has(name string) bool {
	_, ok := h.Get(name)
	return ok
}

// Clone returns a copy the caller may change.
func (h Headers) Clone() Headers { return append(Headers(nil), h...) }

func (h *Headers) add(name, value string) { *h = append(*h, [2]string{name, value}) }

func (h *Headers) remove(name string) {
	out := (*h)[:0]
	for _, kv := range *h {
		if kv[0] != name {
			out = append(out, kv)
		}
	}
	*h = out
}

// replace sets name to a single value, keeping the position of its first occurrence as Envoy's
// setCopy does.
func (h *Headers) replace(name, value string) {
	for i, kv := range *h {
		if kv[0] == name {
			(*h)[i][1] = value
			rest := (*h)[i+1:]
			rest.remove(name)
			*h = (*h)[:i+1+len(rest)]
			return
		}
	}
	h.add(name, value)
}

func lowered(h Headers) Headers {
	out := make(Headers, len(h))
	for i, kv := range h {
		out[i] = [2]string{strings.ToLower(kv[0]), kv[1]}
	}
	return out
}

// encodeHeaders and decodeHeaders speak the proxy-wasm wire format (internal/headermap).
func encodeHeaders(h Headers) []byte { return headermap.Encode(h) }

func decodeHeaders(b []byte) (Headers, error) {
	pairs, err := headermap.Decode(b)
	return Headers(pairs), err
}
