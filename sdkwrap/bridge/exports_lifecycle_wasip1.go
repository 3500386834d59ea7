//go:build wasip1

package bridge

import (
	_ "unsafe" // for go:linkname

	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"
)

// VM, plugin and context lifecycle callbacks, plus timers and queues.

//go:linkname sdkOnVMStart github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/internal.proxyOnVMStart
func sdkOnVMStart(rootContextID uint32, vmConfigurationSize int) types.OnVMStartStatus

//go:linkname sdkOnConfigure github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/internal.proxyOnConfigure
func sdkOnConfigure(pluginContextID uint32, pluginConfigurationSize int) types.OnPluginStartStatus

//go:linkname sdkOnContextCreate github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/internal.proxyOnContextCreate
func sdkOnContextCreate(contextID uint32, pluginContextID uint32)

//go:linkname sdkOnLog github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/internal.proxyOnLog
func sdkOnLog(contextID uint32)

//go:linkname sdkOnDone github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/internal.proxyOnDone
func sdkOnDone(contextID uint32) bool

//go:linkname sdkOnDelete github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/internal.proxyOnDelete
func sdkOnDelete(contextID uint32)

//go:linkname sdkOnTick github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/internal.proxyOnTick
func sdkOnTick(pluginContextID uint32)

//go:linkname sdkOnQueueReady github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/internal.proxyOnQueueReady
func sdkOnQueueReady(contextID, queueID uint32)

// proxyABIVersion is the one ABI marker: Envoy picks the ABI from the marker's name and refuses
// a module that exports more than one.
//
//go:wasmexport proxy_abi_version_0_2_1
func proxyABIVersion() {}

//go:wasmexport proxy_on_vm_start
func proxyOnVMStart(rootContextID, vmConfigurationSize uint32) (ok uint32) {
	defer recoverResult("proxy_on_vm_start", &ok, 0)
	return boolToU32(bool(sdkOnVMStart(rootContextID, int(vmConfigurationSize))))
}

//go:wasmexport proxy_on_configure
func proxyOnConfigure(pluginContextID, pluginConfigurationSize uint32) (ok uint32) {
	defer recoverResult("proxy_on_configure", &ok, 0)
	return boolToU32(bool(sdkOnConfigure(pluginContextID, int(pluginConfigurationSize))))
}

//go:wasmexport proxy_on_context_create
func proxyOnContextCreate(contextID, parentContextID uint32) {
	defer recoverVoid("proxy_on_context_create")
	sdkOnContextCreate(contextID, parentContextID)
}

//go:wasmexport proxy_on_log
func proxyOnLog(contextID uint32) {
	defer recoverVoid("proxy_on_log")
	sdkOnLog(contextID)
}

//go:wasmexport proxy_on_done
func proxyOnDone(contextID uint32) (done uint32) {
	defer recoverResult("proxy_on_done", &done, 1) // a context that panicked is done
	return boolToU32(sdkOnDone(contextID))
}

//go:wasmexport proxy_on_delete
func proxyOnDelete(contextID uint32) {
	defer recoverVoid("proxy_on_delete")
	delete(panicReplied, contextID)
	sdkOnDelete(contextID)
}

//go:wasmexport proxy_on_tick
func proxyOnTick(pluginContextID uint32) {
	defer recoverVoid("proxy_on_tick")
	sdkOnTick(pluginContextID)
}

//go:wasmexport proxy_on_queue_ready
func proxyOnQueueReady(contextID, queueID uint32) {
	defer recoverVoid("proxy_on_queue_ready")
	sdkOnQueueReady(contextID, queueID)
}

func boolToU32(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}
