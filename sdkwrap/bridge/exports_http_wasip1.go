//go:build wasip1

package bridge

import (
	_ "unsafe" // for go:linkname

	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"
)

// HTTP stream callbacks: each export converts the wire types and forwards to the SDK.

//go:linkname sdkOnRequestHeaders github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/internal.proxyOnRequestHeaders
func sdkOnRequestHeaders(contextID uint32, numHeaders int, endOfStream bool) types.Action

//go:linkname sdkOnRequestBody github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/internal.proxyOnRequestBody
func sdkOnRequestBody(contextID uint32, bodySize int, endOfStream bool) types.Action

//go:linkname sdkOnRequestTrailers github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/internal.proxyOnRequestTrailers
func sdkOnRequestTrailers(contextID uint32, numTrailers int) types.Action

//go:linkname sdkOnResponseHeaders github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/internal.proxyOnResponseHeaders
func sdkOnResponseHeaders(contextID uint32, numHeaders int, endOfStream bool) types.Action

//go:linkname sdkOnResponseBody github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/internal.proxyOnResponseBody
func sdkOnResponseBody(contextID uint32, bodySize int, endOfStream bool) types.Action

//go:linkname sdkOnResponseTrailers github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/internal.proxyOnResponseTrailers
func sdkOnResponseTrailers(contextID uint32, numTrailers int) types.Action

//go:linkname sdkOnHttpCallResponse github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/internal.proxyOnHttpCallResponse
func sdkOnHttpCallResponse(pluginContextID, calloutID uint32, numHeaders, bodySize, numTrailers int)

//go:wasmexport proxy_on_request_headers
func proxyOnRequestHeaders(contextID, numHeaders, endOfStream uint32) (action uint32) {
	effectiveContext = contextID
	defer recoverStream("proxy_on_request_headers", &action)
	return uint32(sdkOnRequestHeaders(contextID, int(numHeaders), endOfStream != 0))
}

//go:wasmexport proxy_on_request_body
func proxyOnRequestBody(contextID, bodySize, endOfStream uint32) (action uint32) {
	effectiveContext = contextID
	defer recoverStream("proxy_on_request_body", &action)
	return uint32(sdkOnRequestBody(contextID, int(bodySize), endOfStream != 0))
}

//go:wasmexport proxy_on_request_trailers
func proxyOnRequestTrailers(contextID, numTrailers uint32) (action uint32) {
	effectiveContext = contextID
	defer recoverStream("proxy_on_request_trailers", &action)
	return uint32(sdkOnRequestTrailers(contextID, int(numTrailers)))
}

//go:wasmexport proxy_on_response_headers
func proxyOnResponseHeaders(contextID, numHeaders, endOfStream uint32) (action uint32) {
	effectiveContext = contextID
	defer recoverStream("proxy_on_response_headers", &action)
	return uint32(sdkOnResponseHeaders(contextID, int(numHeaders), endOfStream != 0))
}

//go:wasmexport proxy_on_response_body
func proxyOnResponseBody(contextID, bodySize, endOfStream uint32) (action uint32) {
	effectiveContext = contextID
	defer recoverStream("proxy_on_response_body", &action)
	return uint32(sdkOnResponseBody(contextID, int(bodySize), endOfStream != 0))
}

//go:wasmexport proxy_on_response_trailers
func proxyOnResponseTrailers(contextID, numTrailers uint32) (action uint32) {
	effectiveContext = contextID
	defer recoverStream("proxy_on_response_trailers", &action)
	return uint32(sdkOnResponseTrailers(contextID, int(numTrailers)))
}

//go:wasmexport proxy_on_http_call_response
func proxyOnHttpCallResponse(pluginContextID, calloutID, numHeaders, bodySize, numTrailers uint32) {
	defer recoverCallout("proxy_on_http_call_response")
	sdkOnHttpCallResponse(pluginContextID, calloutID, int(numHeaders), int(bodySize), int(numTrailers))
}
