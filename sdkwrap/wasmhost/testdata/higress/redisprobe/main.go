// Command redisprobe is a test plugin for Higress's Redis host functions. It declares
// proxy_redis_init, proxy_redis_call and proxy_get_buffer_bytes itself and exports
// proxy_on_redis_call_response, as a Higress build variant of a plugin would.
//
// Configuration (read with strings, no JSON library): {"password": "...", "cluster": "...",
// "timeout_ms": N}; every field is optional. OnPluginStart calls proxy_redis_init for the
// cluster ("redis" by default) with an empty user name.
//
// A request with header "x-redis-cmd: INCR k1" (space-separated arguments) sends that command,
// RESP-encoded, to the cluster ("x-redis-cluster" overrides it for one request) and pauses.
// The reply resumes the request with a header added:
//   - x-redis-reply: the raw RESP reply with its final CRLF removed and every inner CRLF written
//     as the four characters `\r\n` (":1", "+OK", "$3\r\nbar", "-ERR ...");
//   - x-redis-error: <status> when proxy_on_redis_call_response reports a non-zero status;
//   - x-redis-call-error: <status> (and no pause) when proxy_redis_call itself fails.
package main

import (
	"strconv"
	"strings"
	"unsafe"

	_ "github.com/aiwasm/aiwasm/sdkwrap/bridge"
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm"
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"
)

func main() {}

func init() { proxywasm.SetVMContext(&vm{}) }

//go:wasmimport env proxy_redis_init
func proxyRedisInit(cluster unsafe.Pointer, clusterSize uint32, user unsafe.Pointer, userSize uint32,
	pass unsafe.Pointer, passSize uint32, timeoutMs uint32) uint32

//go:wasmimport env proxy_redis_call
func proxyRedisCall(cluster unsafe.Pointer, clusterSize uint32, query unsafe.Pointer, querySize uint32, token *uint32) uint32

//go:wasmimport env proxy_get_buffer_bytes
func proxyGetBufferBytes(bufferType, start, maxSize uint32, retData, retSize *uint32) uint32

const bufferRedisCallResponse = 9

// Globals, not locals: a host call may re-enter Go through proxy_on_memory_allocate, and a
// global never moves while it does.
var retData, retSize, callToken uint32

var (
	cluster = "redis"
	pending = map[uint32]uint32{} // redis call token -> http context id
)

// ptr returns the address of s's bytes, nil for an empty string.
func ptr(s string) unsafe.Pointer {
	if s == "" {
		return nil
	}
	return unsafe.Pointer(unsafe.StringData(s))
}

type vm struct{ types.DefaultVMContext }

func (*vm) NewPluginContext(uint32) types.PluginContext { return &plugin{} }

type plugin struct{ types.DefaultPluginContext }

// field returns the value of "name" in a flat JSON object: a quoted string or a bare number.
func field(conf, name string) string {
	i := strings.Index(conf, `"`+name+`"`)
	if i < 0 {
		return ""
	}
	rest := strings.TrimSpace(conf[i+len(name)+2:])
	rest, ok := strings.CutPrefix(rest, ":")
	if !ok {
		return ""
	}
	rest = strings.TrimSpace(rest)
	if v, ok := strings.CutPrefix(rest, `"`); ok {
		end := strings.IndexByte(v, '"')
		if end < 0 {
			return ""
		}
		return v[:end]
	}
	end := strings.IndexAny(rest, ",} \t\r\n")
	if end < 0 {
		end = len(rest)
	}
	return rest[:end]
}

func (p *plugin) OnPluginStart(int) types.OnPluginStartStatus {
	cfg, _ := proxywasm.GetPluginConfiguration()
	conf := string(cfg)
	if c := field(conf, "cluster"); c != "" {
		cluster = c
	}
	pass := field(conf, "password")
	timeout := uint32(1000)
	if t, err := strconv.Atoi(field(conf, "timeout_ms")); err == nil && t > 0 {
		timeout = uint32(t)
	}
	st := proxyRedisInit(ptr(cluster), uint32(len(cluster)), nil, 0, ptr(pass), uint32(len(pass)), timeout)
	if st != 0 {
		proxywasm.LogErrorf("redisprobe: proxy_redis_init(%q): status %d", cluster, st)
		return types.OnPluginStartStatusFailed
	}
	proxywasm.LogInfof("redisprobe: redis cluster %q initialised (password set: %v, timeout %d ms)", cluster, pass != "", timeout)
	return types.OnPluginStartStatusOK
}

func (p *plugin) NewHttpContext(id uint32) types.HttpContext { return &stream{id: id} }

type stream struct {
	types.DefaultHttpContext
	id uint32
}

// encodeRESP encodes a command as a RESP array of bulk strings.
func encodeRESP(args []string) string {
	var b strings.Builder
	b.WriteString("*" + strconv.Itoa(len(args)) + "\r\n")
	for _, a := range args {
		b.WriteString("$" + strconv.Itoa(len(a)) + "\r\n" + a + "\r\n")
	}
	return b.String()
}

func (s *stream) OnHttpRequestHeaders(int, bool) types.Action {
	cmd, err := proxywasm.GetHttpRequestHeader("x-redis-cmd")
	if err != nil || strings.TrimSpace(cmd) == "" {
		return types.ActionContinue
	}
	target := cluster
	if c, err := proxywasm.GetHttpRequestHeader("x-redis-cluster"); err == nil && c != "" {
		target = c
	}
	query := encodeRESP(strings.Fields(cmd))
	callToken = 0
	st := proxyRedisCall(ptr(target), uint32(len(target)), ptr(query), uint32(len(query)), &callToken)
	if st != 0 {
		proxywasm.LogWarnf("redisprobe: proxy_redis_call(%q): status %d", target, st)
		_ = proxywasm.AddHttpRequestHeader("x-redis-call-error", strconv.Itoa(int(st)))
		return types.ActionContinue
	}
	pending[callToken] = s.id
	proxywasm.LogDebugf("redisprobe: stream %d sent %q as token %d", s.id, cmd, callToken)
	return types.ActionPause
}

// replyHeader makes a RESP reply fit in a header value: the final CRLF goes, inner ones become
// the text `\r\n`.
func replyHeader(reply string) string {
	return strings.ReplaceAll(strings.TrimSuffix(reply, "\r\n"), "\r\n", `\r\n`)
}

// readReply copies the Redis reply out of buffer 9; the host memory is only valid during the
// callback.
func readReply(size uint32) (string, uint32) {
	if size == 0 {
		return "", 0
	}
	retData, retSize = 0, 0
	if st := proxyGetBufferBytes(bufferRedisCallResponse, 0, size, &retData, &retSize); st != 0 {
		return "", st
	}
	if retData == 0 || retSize == 0 {
		return "", 0
	}
	b := unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(nil), uintptr(retData))), retSize)
	return string(b), 0 // string() copies
}

//go:wasmexport proxy_on_redis_call_response
func proxyOnRedisCallResponse(rootContextID, token, status, responseSize uint32) {
	ctxID, ok := pending[token]
	if !ok {
		proxywasm.LogErrorf("redisprobe: reply for unknown token %d", token)
		return
	}
	delete(pending, token)
	var reply string
	if status == 0 {
		var st uint32
		if reply, st = readReply(responseSize); st != 0 {
			proxywasm.LogErrorf("redisprobe: reading buffer 9: status %d", st)
			status = 1000 + st // make the failure visible to the test
		}
	}
	if err := proxywasm.SetEffectiveContext(ctxID); err != nil {
		proxywasm.LogErrorf("redisprobe: set effective context %d: %v", ctxID, err)
		return
	}
	if status == 0 {
		_ = proxywasm.AddHttpRequestHeader("x-redis-reply", replyHeader(reply))
	} else {
		_ = proxywasm.AddHttpRequestHeader("x-redis-error", strconv.Itoa(int(status)))
	}
	proxywasm.LogDebugf("redisprobe: root %d token %d status %d resumes stream %d", rootContextID, token, status, ctxID)
	_ = proxywasm.ResumeHttpRequest()
}
