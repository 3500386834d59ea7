//go:build higress && wasip1

package counter

import (
	"fmt"
	"runtime"
	"time"
	"unsafe"

	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm"
)

// Higress's Redis host functions (DESIGN.md §4). Upstream Envoy lacks them and refuses to load
// a module that imports them: this file exists only in the higress build.

//go:wasmimport env proxy_redis_init
func hostRedisInit(cluster unsafe.Pointer, clusterSize uint32, user unsafe.Pointer, userSize uint32,
	pass unsafe.Pointer, passSize uint32, timeoutMs uint32) uint32

//go:wasmimport env proxy_redis_call
func hostRedisCall(cluster unsafe.Pointer, clusterSize uint32, query unsafe.Pointer, querySize uint32, token *uint32) uint32

//go:wasmimport env proxy_get_buffer_bytes
func hostGetBufferBytes(bufferType, start, maxSize uint32, retData, retSize *uint32) uint32

// bufferRedisCallResponse is the buffer holding a Redis reply during
// proxy_on_redis_call_response.
const bufferRedisCallResponse = 9

// Out-parameters of host calls are globals, not locals: proxy_get_buffer_bytes re-enters Go
// (proxy_on_memory_allocate), which may move the goroutine's stack, and a global never moves.
var redisToken, redisRetData, redisRetSize uint32

// redisCall is a Take waiting for its reply.
type redisCall struct {
	stream uint32
	now    int64
	q      quota
	done   func(Decision, error)
}

// redisCalls are the Takes in flight in this VM, by the host's call token.
var redisCalls = map[uint32]redisCall{}

type redisBackend struct {
	cluster, prefix string
}

// Redis counts in Redis through Higress's host functions: one atomic EVAL per Take (see
// redisScript), so every gateway sharing the Redis counts together. cluster is the Higress
// cluster of the Redis service (cluster.HigressName). Call it once per plugin instance when
// the plugin starts (OnPluginStart): it calls proxy_redis_init, which opens the host's
// client. Answers are pending; done runs inside the calling stream (Request.StreamID).
//
// Keys expire when no window can read them any more, so Redis does not grow with distinct
// descriptors. Windows follow the gateways' clocks (keep them in NTP sync): a skew shifts
// window boundaries by that much and never freezes a counter (see roll). Needs Redis >= 4
// (HSET with several fields).
func Redis(cluster string, opts RedisOptions) (Backend, error) {
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = defaultRedisTimeout
	}
	st := hostRedisInit(stringPtr(cluster), uint32(len(cluster)), stringPtr(opts.User), uint32(len(opts.User)),
		stringPtr(opts.Password), uint32(len(opts.Password)), uint32(timeout/time.Millisecond))
	if st != 0 {
		return nil, fmt.Errorf("counter: proxy_redis_init for cluster %q: status %d", cluster, st)
	}
	return &redisBackend{cluster: cluster, prefix: opts.Prefix}, nil
}

func (r *redisBackend) Take(req Request, done func(Decision, error)) bool {
	if err := req.validate(true); err != nil {
		done(Decision{}, err)
		return false
	}
	q := req.quota()
	now := time.Now().UnixMilli()
	query := redisQuery(storageKey(r.prefix, q.size, req.Descriptor), now, q)
	redisToken = 0
	st := hostRedisCall(stringPtr(r.cluster), uint32(len(r.cluster)), unsafe.Pointer(&query[0]), uint32(len(query)), &redisToken)
	runtime.KeepAlive(query)
	if st != 0 {
		done(Decision{}, fmt.Errorf("counter: proxy_redis_call to cluster %q: status %d", r.cluster, st))
		return false
	}
	redisCalls[redisToken] = redisCall{stream: req.StreamID, now: now, q: q, done: done}
	return true
}

//go:wasmexport proxy_on_redis_call_response
func proxyOnRedisCallResponse(rootContextID, token, status, responseSize uint32) {
	call, ok := redisCalls[token]
	if !ok {
		proxywasm.LogErrorf("counter: redis reply for unknown call %d", token)
		return
	}
	delete(redisCalls, token)
	var reply []byte
	var err error
	if status != 0 {
		err = fmt.Errorf("counter: redis call failed (status %d)", status)
	} else if reply, err = readRedisReply(responseSize); err != nil {
		err = fmt.Errorf("counter: reading the redis reply: %w", err)
	}
	// The stream may have ended while Redis answered; then there is nobody to tell, as
	// the SDK does with late HTTP call answers.
	if call.stream != 0 && proxywasm.SetEffectiveContext(call.stream) != nil {
		return
	}
	defer recoverRedisAnswer(call.stream)
	if err != nil {
		call.done(Decision{}, err)
		return
	}
	call.done(redisDecision(reply, call.now, call.q))
}

// readRedisReply copies the reply out of buffer 9, which is valid only during the callback.
func readRedisReply(size uint32) ([]byte, error) {
	if size == 0 {
		return nil, fmt.Errorf("empty reply")
	}
	redisRetData, redisRetSize = 0, 0
	if st := hostGetBufferBytes(bufferRedisCallResponse, 0, size, &redisRetData, &redisRetSize); st != 0 {
		return nil, fmt.Errorf("proxy_get_buffer_bytes: status %d", st)
	}
	if redisRetData == 0 || redisRetSize == 0 {
		return nil, fmt.Errorf("empty reply")
	}
	b := unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(nil), uintptr(redisRetData))), redisRetSize)
	return append([]byte(nil), b...), nil
}

// recoverRedisAnswer keeps a panic in done from trapping, which would kill the VM and every
// stream on it: log it and answer the paused stream with a 500, as the bridge does for the
// SDK's callbacks.
func recoverRedisAnswer(stream uint32) {
	r := recover()
	if r == nil {
		return
	}
	proxywasm.LogErrorf("counter: panic in a redis answer callback: %v", r)
	if stream != 0 {
		_ = proxywasm.SendHttpResponse(500, [][2]string{{"content-type", "application/json"}},
			[]byte(`{"error":{"message":"internal error in a gateway plugin","type":"server_error","code":"plugin_panic"}}`), -1)
	}
}

// stringPtr is the address of s's bytes, nil for an empty string.
func stringPtr(s string) unsafe.Pointer {
	if s == "" {
		return nil
	}
	return unsafe.Pointer(unsafe.StringData(s))
}
