package wasmhost

import (
	"encoding/binary"
	"strconv"
	"strings"
)

// propertyKey turns a dotted path ("xds.route_name") into the NUL-separated form plugins send.
func propertyKey(path string) string { return strings.ReplaceAll(path, ".", "\x00") }

// PropertyInt encodes an integer property as Envoy does: 8 bytes, little-endian.
func PropertyInt(n int64) string {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(n))
	return string(b[:])
}

// defaultSourceAddress is the downstream address a stream has unless the test sets one.
const defaultSourceAddress = "127.0.0.1:50000"

// property resolves a property for the effective context: the stream's own values (set by the
// test or the plugin), then values derived from the stream's headers (request.*), then the
// plugin-wide ones, then the plugin's identity.
func (v *vm) property(key string) ([]byte, bool) {
	if s := v.streams[v.active]; s != nil {
		if val, ok := s.props[key]; ok {
			return val, true
		}
		if val, ok := s.derivedProperty(key); ok {
			return []byte(val), true
		}
	}
	p := v.plugin
	if val, ok := p.opts.properties[key]; ok {
		return val, true
	}
	switch key {
	case "plugin_name":
		return []byte(p.opts.name), true
	case "plugin_root_id":
		return []byte(p.opts.rootID), true
	case "plugin_vm_id":
		return []byte(p.opts.vmID), true
	}
	return nil, false
}

// derivedProperty answers the request/response attributes Envoy computes from the stream.
func (s *Stream) derivedProperty(key string) (string, bool) {
	h := s.reqHeaders
	switch key {
	case "request\x00path":
		return h.Get(":path")
	case "request\x00url_path":
		path, ok := h.Get(":path")
		if i := strings.IndexByte(path, '?'); i >= 0 {
			path = path[:i]
		}
		return path, ok
	case "request\x00query":
		path, ok := h.Get(":path")
		if i := strings.IndexByte(path, '?'); i >= 0 {
			return path[i+1:], true
		}
		return "", ok
	case "request\x00host":
		return h.Get(":authority")
	case "request\x00method":
		return h.Get(":method")
	case "request\x00scheme":
		return h.Get(":scheme")
	case "request\x00id":
		return h.Get("x-request-id")
	case "request\x00useragent":
		return h.Get("user-agent")
	case "request\x00referer":
		return h.Get("referer")
	case "request\x00protocol":
		return "HTTP/1.1", s.reqHeaders != nil
	case "response\x00code":
		code, ok := s.respHeaders.Get(":status")
		n, err := strconv.ParseInt(code, 10, 64)
		if !ok || err != nil {
			return "", false
		}
		return PropertyInt(n), true
	case "source\x00address":
		return defaultSourceAddress, true
	}
	return "", false
}
