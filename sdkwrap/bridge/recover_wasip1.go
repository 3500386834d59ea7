//go:build wasip1

package bridge

import (
	"fmt"
	"runtime/debug"
	"unsafe"

	"github.com/aiwasm/aiwasm/sdkwrap/internal/headermap"
)

// A Go panic that leaves an exported function becomes a wasm trap, and a trap kills the VM and
// every stream on it. Each export recovers instead, logs the panic at error level and, inside an
// HTTP stream, answers the client itself.

const (
	logLevelError = 4 // proxy-wasm LogLevel error
	actionPause   = 1 // types.ActionPause: the local response below ends the stream
)

// panicBody is the OpenAI-style error every AI client already knows how to show.
var panicBody = []byte(`{"error":{"message":"internal error in a gateway plugin","type":"server_error","code":"plugin_panic"}}`)

var panicHeaders = headermap.Encode([][2]string{{"content-type", "application/json"}})

// logPanic writes the panic and its stack through proxy_log; it never panics itself.
func logPanic(callback string, r any) {
	msg := []byte(fmt.Sprintf("panic in %s: %v\n%s", callback, r, debug.Stack()))
	hostLog(logLevelError, unsafe.Pointer(&msg[0]), uint32(len(msg)))
}

// effectiveContext is the context the host runs plugin code for: the stream of a stream
// callback, or the one the SDK made effective before an HTTP call's callback.
var effectiveContext uint32

// panicReplied holds the streams answered with a 500 after a panic, until they are deleted:
// Envoy passes that reply through the plugin's own response callbacks, and the framework must
// let it by (PanicReplied) rather than treat it as the upstream's answer.
var panicReplied = map[uint32]bool{}

// PanicReplied reports whether the stream was answered with a 500 after a panic.
func PanicReplied(contextID uint32) bool { return len(panicReplied) > 0 && panicReplied[contextID] }

// answerPanic sends the 500 to the client of the stream that is current in the host.
func answerPanic() {
	panicReplied[effectiveContext] = true
	details := []byte("plugin_panic")
	hostSendLocalResponse(500, unsafe.Pointer(&details[0]), uint32(len(details)),
		unsafe.Pointer(&panicBody[0]), uint32(len(panicBody)),
		unsafe.Pointer(&panicHeaders[0]), uint32(len(panicHeaders)), -1)
}

// recoverStream ends an HTTP-stream callback that panicked: log, local 500, pause.
func recoverStream(callback string, action *uint32) {
	if r := recover(); r != nil {
		logPanic(callback, r)
		answerPanic()
		*action = actionPause
	}
}

// recoverResult ends a callback that returns a status, replacing it with fail.
func recoverResult(callback string, result *uint32, fail uint32) {
	if r := recover(); r != nil {
		logPanic(callback, r)
		*result = fail
	}
}

// recoverVoid ends a callback that returns nothing.
func recoverVoid(callback string) {
	if r := recover(); r != nil {
		logPanic(callback, r)
	}
}

// recoverCallout ends proxy_on_http_call_response. The SDK made the calling stream the effective
// context before running the plugin's callback, and that stream is paused waiting for it: answer
// it, or it would hang until Envoy's stream timeout. On a root context the host refuses the
// local response and nothing else happens.
func recoverCallout(callback string) {
	if r := recover(); r != nil {
		logPanic(callback, r)
		answerPanic()
	}
}

// RecoverCallback ends a host callback exported outside the bridge (Higress's Redis replies,
// in sdkwrap/redis): log the panic and, when *stream is not 0 (the exporter made that stream
// current for the callback), answer its client with the 500, since that stream is paused
// waiting. Defer it directly (recover works only there), first thing in the export.
func RecoverCallback(callback string, stream *uint32) {
	if r := recover(); r != nil {
		logPanic(callback, r)
		if *stream != 0 {
			answerPanic()
		}
	}
}
