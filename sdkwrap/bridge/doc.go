// Package bridge makes proxy-wasm-go-sdk v0.24.0, a TinyGo-only SDK, run as a proxy-wasm module
// built by standard Go (GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared).
//
// A plugin imports it for its side effects:
//
//	import _ "github.com/aiwasm/aiwasm/sdkwrap/bridge"
//
// and is otherwise written against the SDK's public API (proxywasm.*, types.*), registering its
// VM context in init() (main never runs in a c-shared module).
//
// Under wasip1 the bridge
//   - declares every proxy-wasm host function as a //go:wasmimport (imports_wasip1.go) and
//     installs a host that forwards the SDK's host calls to them (host_wasip1.go);
//   - exports the ABI marker proxy_abi_version_0_2_1, proxy_on_memory_allocate and every
//     proxy_on_* callback the SDK implements, each forwarding to the SDK (exports_*_wasip1.go);
//   - keeps memory handed to the host alive until the host call that asked for it returns
//     (memory_wasip1.go);
//   - recovers panics in callbacks; inside an HTTP stream it answers a local 500 with a JSON
//     error body (recover_wasip1.go).
//
// It also offers what the SDK lacks: LogLevel (proxy_get_log_level), so loggers can skip
// formatting what the host would drop.
//
// On every other platform the package holds only stand-ins (LogLevel reports trace), so the
// same plugin code runs under `go test` with the SDK's proxytest emulator.
//
// The bridge binds to SDK internals with //go:linkname, so go.mod pins the SDK at exactly
// v0.24.0; the wasm tests in sdkwrap/wasmhost fail if that binding breaks.
package bridge
