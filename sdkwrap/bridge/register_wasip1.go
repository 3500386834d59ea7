//go:build wasip1

package bridge

import (
	_ "unsafe" // for go:linkname

	// The linknames below and in exports_*_wasip1.go pull symbols from the SDK's internal
	// package. Without this import a plugin that does not use the SDK itself would link to
	// nothing, and the Go linker emits a module with invalid function indexes instead of failing.
	_ "github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm"
)

// sdkHost has the method set of the SDK's internal.ProxyWasmHost with its uint32 enums spelled
// as uint32. Interface method tables are laid out by method name, so a sdkHost value has the
// same itab layout the SDK expects, and registering one through the linkname below makes the
// SDK's host calls land on host's methods.
type sdkHost interface {
	ProxyLog(logLevel uint32, messageData *byte, messageSize int) uint32
	ProxySetProperty(pathData *byte, pathSize int, valueData *byte, valueSize int) uint32
	ProxyGetProperty(pathData *byte, pathSize int, returnValueData **byte, returnValueSize *int) uint32
	ProxySendLocalResponse(statusCode uint32, statusCodeDetailData *byte, statusCodeDetailsSize int, bodyData *byte, bodySize int, headersData *byte, headersSize int, grpcStatus int32) uint32
	ProxyGetSharedData(keyData *byte, keySize int, returnValueData **byte, returnValueSize *int, returnCas *uint32) uint32
	ProxySetSharedData(keyData *byte, keySize int, valueData *byte, valueSize int, cas uint32) uint32
	ProxyRegisterSharedQueue(nameData *byte, nameSize int, returnID *uint32) uint32
	ProxyResolveSharedQueue(vmIDData *byte, vmIDSize int, nameData *byte, nameSize int, returnID *uint32) uint32
	ProxyDequeueSharedQueue(queueID uint32, returnValueData **byte, returnValueSize *int) uint32
	ProxyEnqueueSharedQueue(queueID uint32, valueData *byte, valueSize int) uint32
	ProxyGetHeaderMapValue(mapType uint32, keyData *byte, keySize int, returnValueData **byte, returnValueSize *int) uint32
	ProxyAddHeaderMapValue(mapType uint32, keyData *byte, keySize int, valueData *byte, valueSize int) uint32
	ProxyReplaceHeaderMapValue(mapType uint32, keyData *byte, keySize int, valueData *byte, valueSize int) uint32
	ProxyContinueStream(streamType uint32) uint32
	ProxyCloseStream(streamType uint32) uint32
	ProxyRemoveHeaderMapValue(mapType uint32, keyData *byte, keySize int) uint32
	ProxyGetHeaderMapPairs(mapType uint32, returnValueData **byte, returnValueSize *int) uint32
	ProxySetHeaderMapPairs(mapType uint32, mapData *byte, mapSize int) uint32
	ProxyGetBufferBytes(bufferType uint32, start int, maxSize int, returnBufferData **byte, returnBufferSize *int) uint32
	ProxySetBufferBytes(bufferType uint32, start int, maxSize int, bufferData *byte, bufferSize int) uint32
	ProxyHttpCall(upstreamData *byte, upstreamSize int, headerData *byte, headerSize int, bodyData *byte, bodySize int, trailersData *byte, trailersSize int, timeout uint32, calloutIDPtr *uint32) uint32
	ProxyCallForeignFunction(funcNamePtr *byte, funcNameSize int, paramPtr *byte, paramSize int, returnData **byte, returnSize *int) uint32
	ProxySetTickPeriodMilliseconds(period uint32) uint32
	ProxySetEffectiveContext(contextID uint32) uint32
	ProxyDone() uint32
	ProxyDefineMetric(metricType uint32, metricNameData *byte, metricNameSize int, returnMetricIDPtr *uint32) uint32
	ProxyIncrementMetric(metricID uint32, offset int64) uint32
	ProxyRecordMetric(metricID uint32, value uint64) uint32
	ProxyGetMetric(metricID uint32, returnMetricValue *uint64) uint32
}

//go:linkname registerSDKHost github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/internal.RegisterMockWasmHost
func registerSDKHost(h sdkHost) (release func())

// neverTrue is a variable, not a constant, so the compiler cannot drop the call it guards.
var neverTrue bool

func init() {
	registerSDKHost(host{}) // the returned release is never called: this host lives as long as the VM
	if neverTrue {
		keepHostMethods(host{})
	}
}

// keepHostMethods calls every method through sdkHost. The SDK calls them through an interface
// whose signatures differ (its enum types), so without a call the linker sees them as unused,
// drops them, and every host call traps with runtime.unreachableMethod.
func keepHostMethods(h sdkHost) {
	var b *byte
	var bb **byte
	var n *int
	var u *uint32
	var u64 *uint64
	h.ProxyLog(0, b, 0)
	h.ProxySetProperty(b, 0, b, 0)
	h.ProxyGetProperty(b, 0, bb, n)
	h.ProxySendLocalResponse(0, b, 0, b, 0, b, 0, 0)
	h.ProxyGetSharedData(b, 0, bb, n, u)
	h.ProxySetSharedData(b, 0, b, 0, 0)
	h.ProxyRegisterSharedQueue(b, 0, u)
	h.ProxyResolveSharedQueue(b, 0, b, 0, u)
	h.ProxyDequeueSharedQueue(0, bb, n)
	h.ProxyEnqueueSharedQueue(0, b, 0)
	h.ProxyGetHeaderMapValue(0, b, 0, bb, n)
	h.ProxyAddHeaderMapValue(0, b, 0, b, 0)
	h.ProxyReplaceHeaderMapValue(0, b, 0, b, 0)
	h.ProxyContinueStream(0)
	h.ProxyCloseStream(0)
	h.ProxyRemoveHeaderMapValue(0, b, 0)
	h.ProxyGetHeaderMapPairs(0, bb, n)
	h.ProxySetHeaderMapPairs(0, b, 0)
	h.ProxyGetBufferBytes(0, 0, 0, bb, n)
	h.ProxySetBufferBytes(0, 0, 0, b, 0)
	h.ProxyHttpCall(b, 0, b, 0, b, 0, b, 0, 0, u)
	h.ProxyCallForeignFunction(b, 0, b, 0, bb, n)
	h.ProxySetTickPeriodMilliseconds(0)
	h.ProxySetEffectiveContext(0)
	h.ProxyDone()
	h.ProxyDefineMetric(0, b, 0, u)
	h.ProxyIncrementMetric(0, 0)
	h.ProxyRecordMetric(0, 0)
	h.ProxyGetMetric(0, u64)
}
