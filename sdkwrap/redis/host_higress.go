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

// bufferRedisCallResponse is the buffer holding a reply during proxy_on_redis_call_response.
const bufferRedisCallResponse = 9

// callToken receives proxy_redis_call's token. A global, not a local: a host call may re-enter
// Go (proxy_on_memory_allocate), which may move the goroutine's stack; a global never moves.
var callToken uint32

// call is a command waiting for its reply.
type call struct {
	stream   uint32
	done     Reply
	deadline time.Time // past it, the host has given up on the call
}

// calls are the commands in flight in this VM, by the host's token (numbered per VM, as
// Envoy numbers HTTP calls).
var calls = map[uint32]call{}

// sweepAbove is how many calls may be in flight before Do drops those the host should have
// answered long ago: a reply the host never sends must not hold its request's memory forever.
const sweepAbove = 1024

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
	return &Client{cluster: c, timeout: timeout}, nil
}

// Do sends a RESP-encoded command (resp.Encode). done runs once, later, with the stream made
// the current context again (0: no stream, e.g. a write nobody waits for); if the stream
// ended meanwhile, done does not run. An error means the command was not sent and done will
// never run.
func (c *Client) Do(query []byte, stream uint32, done Reply) error {
	if len(query) == 0 {
		return fmt.Errorf("redis: empty command")
	}
	if len(calls) > sweepAbove {
		sweep(time.Now())
	}
	callToken = 0
	st := hostRedisCall(stringPtr(c.cluster), uint32(len(c.cluster)), unsafe.Pointer(&query[0]), uint32(len(query)), &callToken)
	runtime.KeepAlive(query)
	if st != 0 {
		return fmt.Errorf("redis: proxy_redis_call to cluster %q: status %d", c.cluster, st)
	}
	calls[callToken] = call{stream: stream, done: done, deadline: time.Now().Add(2*c.timeout + time.Second)}
	return nil
}

// sweep drops the calls past their deadline.
func sweep(now time.Time) {
	for k, cl := range calls {
		if now.After(cl.deadline) {
			delete(calls, k)
		}
	}
}

//go:wasmexport proxy_on_redis_call_response
func proxyOnRedisCallResponse(rootContextID, token, status, responseSize uint32) {
	stream := uint32(0) // set once the stream is current: a panic then answers it
	defer bridge.RecoverCallback("proxy_on_redis_call_response", &stream)
	cl, ok := calls[token]
	if !ok {
		proxywasm.LogErrorf("redis: reply for unknown call %d", token)
		return
	}
	delete(calls, token)
	var reply []byte
	var err error
	if status != 0 {
		err = fmt.Errorf("redis: call failed (status %d)", status)
	} else if reply, ok = bridge.CallbackBuffer(bufferRedisCallResponse, responseSize); !ok || len(reply) == 0 {
		err = fmt.Errorf("redis: empty or unreadable reply")
	}
	// The stream may have ended while Redis answered; then there is nobody to tell.
	target := cl.stream
	if target == 0 {
		target = rootContextID
	}
	if !bridge.EnterContext(target) {
		return
	}
	stream = cl.stream
	cl.done(reply, err)
}

// stringPtr is the address of s's bytes, nil for an empty string.
func stringPtr(s string) unsafe.Pointer {
	if s == "" {
		return nil
	}
	return unsafe.Pointer(unsafe.StringData(s))
}
