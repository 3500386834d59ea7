//go:build wasip1

package bridge

import "unsafe"

// Host callbacks the SDK does not know (Higress's proxy_on_redis_call_response, exported by
// sdkwrap/redis) run plugin code for a stream too. The SDK keeps its own record of the current
// context, which only its callbacks update, and files every DispatchHttpCall under it: setting
// the host's effective context alone would file a call made there under whichever stream the
// SDK handled last (seen as another stream resumed, or a panic when that one had ended).

// sdkState mirrors the head of proxy-wasm-go-sdk v0.24.0's internal state
// (proxywasm/internal/vmstate.go), up to the two fields EnterContext needs. go.mod pins that
// version (doc.go); whatever their types, an interface field is two words and a map one.
type sdkState struct {
	vmContext         any
	pluginContexts    unsafe.Pointer // map[uint32]*pluginContextState
	httpContexts      unsafe.Pointer // map[uint32]types.HttpContext
	tcpContexts       unsafe.Pointer // map[uint32]types.TcpContext
	contextIDToRootID map[uint32]uint32
	activeContextID   uint32
}

//go:linkname sdkCurrentState github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/internal.currentState
var sdkCurrentState *sdkState

// EnterContext makes a context current for code run from a callback the SDK does not
// dispatch: for the host (proxy_set_effective_context) and for the SDK. It reports false,
// changing nothing, for a context the SDK no longer knows (a stream that ended meanwhile), as
// the SDK does with late HTTP call answers.
func EnterContext(contextID uint32) bool {
	if _, ok := sdkCurrentState.contextIDToRootID[contextID]; !ok {
		return false
	}
	sdkCurrentState.activeContextID = contextID
	effectiveContext = contextID
	return hostSetEffectiveContext(contextID) == 0
}

// CallbackBuffer copies size bytes of a buffer the host fills for a callback (Higress's Redis
// reply, type 9), which stays valid only during that callback.
func CallbackBuffer(bufferType, size uint32) ([]byte, bool) {
	st := hostGetBufferBytes(bufferType, 0, size, &retData, &retSize)
	var data *byte
	var n int
	takeReturned(&data, &n)
	if st != 0 || data == nil {
		return nil, false
	}
	return append([]byte(nil), unsafe.Slice(data, n)...), true
}
