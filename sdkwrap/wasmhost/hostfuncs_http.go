package wasmhost

import (
	"math"
	"strings"
)

// Host functions for HTTP streams: header maps, bodies, local responses, continue and close.
var httpFuncs = []hostFunc{
	{"proxy_get_header_map_value", 5, -1, func(v *vm, p []uint64) status {
		h := v.headerMap(p[0])
		key, ok := v.readString(p[1], p[2])
		if !ok {
			return statusInvalidMemoryAccess
		}
		if h == nil {
			return statusNotFound
		}
		val, found := h.Get(key)
		if !found {
			return statusNotFound
		}
		return v.returnData([]byte(val), p[3], p[4])
	}},
	{"proxy_add_header_map_value", 5, -1, func(v *vm, p []uint64) status {
		return v.editHeader(p, func(h *Headers, k, val string) { h.add(k, val) })
	}},
	{"proxy_replace_header_map_value", 5, -1, func(v *vm, p []uint64) status {
		return v.editHeader(p, func(h *Headers, k, val string) { h.replace(k, val) })
	}},
	{"proxy_remove_header_map_value", 3, -1, func(v *vm, p []uint64) status {
		h := v.headerMap(p[0])
		key, ok := v.readString(p[1], p[2])
		if !ok {
			return statusInvalidMemoryAccess
		}
		if h == nil {
			return statusNotFound
		}
		h.remove(strings.ToLower(key))
		return statusOK
	}},
	{"proxy_get_header_map_pairs", 3, -1, func(v *vm, p []uint64) status {
		h := v.headerMap(p[0])
		if h == nil {
			return statusNotFound
		}
		return v.returnData(encodeHeaders(*h), p[1], p[2])
	}},
	{"proxy_set_header_map_pairs", 3, -1, func(v *vm, p []uint64) status {
		h := v.headerMap(p[0])
		data, ok := v.read(p[1], p[2])
		if !ok {
			return statusInvalidMemoryAccess
		}
		if h == nil {
			return statusNotFound
		}
		pairs, err := decodeHeaders(data)
		if err != nil {
			return statusBadArgument
		}
		*h = lowered(pairs)
		return statusOK
	}},
	{"proxy_get_header_map_size", 2, -1, func(v *vm, p []uint64) status {
		h := v.headerMap(p[0])
		if h == nil {
			return statusNotFound
		}
		if !v.writeU32(p[1], uint32(len(encodeHeaders(*h)))) {
			return statusInvalidMemoryAccess
		}
		return statusOK
	}},
	{"proxy_get_buffer_bytes", 5, -1, func(v *vm, p []uint64) status {
		buf := v.buffer(p[0])
		if buf == nil {
			return statusNotFound
		}
		start, size := p[1], p[2]
		n := uint64(len(*buf))
		if start > n {
			return statusBadArgument
		}
		end := min(start+size, n)
		return v.returnData((*buf)[start:end], p[3], p[4])
	}},
	{"proxy_set_buffer_bytes", 5, -1, func(v *vm, p []uint64) status {
		buf := v.buffer(p[0])
		data, ok := v.read(p[3], p[4])
		if !ok {
			return statusInvalidMemoryAccess
		}
		if buf == nil {
			return statusNotFound
		}
		return setBuffer(buf, p[1], p[2], data)
	}},
	{"proxy_get_buffer_status", 3, -1, func(v *vm, p []uint64) status {
		buf := v.buffer(p[0])
		if buf == nil {
			return statusNotFound
		}
		if !v.writeU32(p[1], uint32(len(*buf))) || !v.writeU32(p[2], 0) {
			return statusInvalidMemoryAccess
		}
		return statusOK
	}},
	{"proxy_send_local_response", 8, -1, sendLocalResponse},
	{"proxy_send_http_response", 8, -1, sendLocalResponse},
	{"proxy_continue_stream", 1, -1, func(v *vm, p []uint64) status { return v.continueStream(p[0]) }},
	{"proxy_continue_request", 0, -1, func(v *vm, p []uint64) status { return v.continueStream(streamRequest) }},
	{"proxy_continue_response", 0, -1, func(v *vm, p []uint64) status { return v.continueStream(streamResponse) }},
	{"proxy_close_stream", 1, -1, func(v *vm, p []uint64) status {
		s := v.stream()
		if s == nil || p[0] > streamUpstream {
			return statusBadArgument
		}
		s.closed[p[0]]++
		return statusOK
	}},
	{"proxy_clear_route_cache", 0, -1, func(v *vm, p []uint64) status {
		if s := v.stream(); s != nil {
			s.routeCacheCleared++
		}
		return statusOK
	}},
}

// headerMap is the header map of the given type in the effective context, or nil.
func (v *vm) headerMap(mapType uint64) *Headers {
	if r := v.callResponse; r != nil {
		switch mapType {
		case mapCallResponseHeaders:
			return &r.Headers
		case mapCallResponseTrailers:
			return &r.Trailers
		}
	}
	s := v.stream()
	if s == nil {
		return nil
	}
	switch mapType {
	case mapRequestHeaders:
		return &s.reqHeaders
	case mapRequestTrailers:
		return &s.reqTrailers
	case mapResponseHeaders:
		return &s.respHeaders
	case mapResponseTrailers:
		return &s.respTrailers
	}
	return nil
}

func (v *vm) editHeader(p []uint64, edit func(h *Headers, key, value string)) status {
	h := v.headerMap(p[0])
	key, ok1 := v.readString(p[1], p[2])
	val, ok2 := v.readString(p[3], p[4])
	if !ok1 || !ok2 {
		return statusInvalidMemoryAccess
	}
	if h == nil {
		return statusNotFound
	}
	edit(h, strings.ToLower(key), val)
	return statusOK
}

// buffer is the buffer of the given type in the effective context, or nil.
func (v *vm) buffer(bufType uint64) *[]byte {
	switch bufType {
	case bufVMConfiguration:
		return &v.vmConfig
	case bufPluginConfig:
		return &v.pluginConfig
	case bufCallResponseBody:
		if v.callResponse != nil {
			return &v.callResponse.Body
		}
	case bufRedisResponse:
		if v.redisResponse != nil {
			return &v.redisResponse
		}
	case bufRequestBody, bufResponseBody:
		if s := v.stream(); s != nil {
			if bufType == bufRequestBody {
				return &s.reqBuffer
			}
			return &s.respBuffer
		}
	}
	return nil
}

// setBuffer applies proxy_set_buffer_bytes with Envoy's rules: (0, 0) prepends, (0, >= size)
// replaces, (>= size, any) appends; anything else would splice and is refused.
func setBuffer(buf *[]byte, start, length uint64, data []byte) status {
	n := uint64(len(*buf))
	switch {
	case start == 0 && length == 0:
		*buf = append(append([]byte(nil), data...), *buf...)
	case start == 0 && length >= n:
		*buf = append([]byte(nil), data...)
	case start >= n && start <= math.MaxUint32:
		*buf = append(*buf, data...)
	default:
		return statusBadArgument
	}
	return statusOK
}

func sendLocalResponse(v *vm, p []uint64) status {
	s := v.stream()
	if s == nil {
		return statusBadArgument // only an HTTP stream can be answered
	}
	details, ok1 := v.readString(p[1], p[2])
	body, ok2 := v.read(p[3], p[4])
	hdrs, ok3 := v.read(p[5], p[6])
	if !ok1 || !ok2 || !ok3 {
		return statusInvalidMemoryAccess
	}
	h, err := decodeHeaders(hdrs)
	if err != nil {
		return statusBadArgument
	}
	first := s.local == nil
	s.local = &LocalResponse{Status: int(p[0]), Details: strings.ReplaceAll(details, " ", "_"),
		Body: append([]byte(nil), body...), Headers: lowered(h), GrpcStatus: int32(uint32(p[7]))}
	if first {
		v.post(s.passLocalReply)
	}
	return statusOK
}

func (v *vm) continueStream(kind uint64) status {
	s := v.stream()
	if s == nil || kind > streamUpstream {
		return statusBadArgument
	}
	s.continueStream(uint32(kind))
	return statusOK
}
