//go:build higress && wasip1

package redis

import (
	"fmt"
	"runtime"
	"time"
	"unsafe"

	"github.com/aiwasm/aiwasm/sdkwrap/bridge"
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm"
)

//go:wasmimport env proxy_redis_init
func hostRedisInit(cluster unsafe.Pointer, clusterSize uint32, user unsafe.Pointer, userSize uint32,
	pass unsafe.Pointer, passSize uint32, timeoutMs uint32) uint32

//go:wasmimport env proxy_redis_call
func hostRedisCall(cluster unsafe.Pointer, clusterSize uint32, query unsafe.Pointer, querySize uint32, token *uint32) uint32

//go:wasmimport env proxy_get_buffer_bytes
func hostGetBufferBytes(bufferType, start, maxSize uint32, retData, retSize *uint32) uint32

// bufferRedisCallResponse is the buffer holding a reply during proxy_on_redis_call_response.
const bufferRedisCallResponse = 9

// Out-parameters of host calls are globals, not locals: proxy_get_buffer_bytes re-enters Go
// (proxy_on_memory_allocate), which may move the goroutine's stack, and a global never moves.
var callToken, retData, retSize uint32

// call is a command waiting for its reply.
type call struct {
	stream uint32
	done   Reply
}

// calls are the commands in flight in this VM, by the host's call token.
var calls = map[uint32]call{}

// Open opens the host's client for the cluster of s (proxy_redis_init). Call it once per
// plugin configuration while the plugin starts (OnPluginStart), where Higress allows it.
// The credentials go to the host and nowhere else.
func Open(s Settings) (*Client, error) {
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	c := s.Cluster()
	st := hostRedisInit(stringPtr(c), uint32(len(c)), stringPtr(s.User), uint32(len(s.User)),
		stringPtr(s.Password), uint32(len(s.Password)), uint32(timeout/time.Millisecond))
	if st != 0 {
		return nil, fmt.Errorf("redis: proxy_redis_init for cluster %q: status %d", c, st)
	}
	return &Client{cluster: c}, nil
}

// Do sends a RESP-encoded command (resp.Encode). done runs once, later, with the stream made
// the effective context again (0: no stream, e.g. a write nobody waits for); if the stream
// ended meanwhile, done does not run. An error means the command was not sent and done will
// never run.
func (c *Client) Do(query []byte, stream uint32, done Reply) error {
	if len(query) == 0 {
		return fmt.Errorf("redis: empty command")
	}
	callToken = 0
	st := hostRedisCall(stringPtr(c.cluster), uint32(len(c.cluster)), unsafe.Pointer(&query[0]), uint32(len(query)), &callToken)
	runtime.KeepAlive(query)
	if st != 0 {
		return fmt.Errorf("redis: proxy_redis_call to cluster %q: status %d", c.cluster, st)
	}
	calls[callToken] = call{stream: stream, done: done}
	return nil
}

//go:wasmexport proxy_on_redis_call_response
func proxyOnRedisCallResponse(rootContextID, token, status, responseSize uint32) {
	call, ok := calls[token]
	if !ok {
		proxywasm.LogErrorf("redis: reply for unknown call %d", token)
		return
	}
	delete(calls, token)
	var reply []byte
	var err error
	if status != 0 {
		err = fmt.Errorf("redis: call failed (status %d)", status)
	} else if reply, err = readReply(responseSize); err != nil {
		err = fmt.Errorf("redis: reading the reply: %w", err)
	}
	// The stream may have ended while Redis answered; then there is nobody to tell, as the
	// SDK does with late HTTP call answers.
	if call.stream != 0 && proxywasm.SetEffectiveContext(call.stream) != nil {
		return
	}
	defer bridge.RecoverCallback("proxy_on_redis_call_response", call.stream)
	call.done(reply, err)
}

// readReply copies the reply out of buffer 9, which is valid only during the callback.
func readReply(size uint32) ([]byte, error) {
	if size == 0 {
		return nil, fmt.Errorf("empty reply")
	}
	retData, retSize = 0, 0
	if st := hostGetBufferBytes(bufferRedisCallResponse, 0, size, &retData, &retSize); st != 0 {
		return nil, fmt.Errorf("proxy_get_buffer_bytes: status %d", st)
	}
	if retData == 0 || retSize == 0 {
		return nil, fmt.Errorf("empty reply")
	}
	b := unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(nil), uintptr(retData))), retSize)
	return append([]byte(nil), b...), nil
}

// stringPtr is the address of s's bytes, nil for an empty string.
func stringPtr(s string) unsafe.Pointer {
	if s == "" {
		return nil
	}
	return unsafe.Pointer(unsafe.StringData(s))
}
