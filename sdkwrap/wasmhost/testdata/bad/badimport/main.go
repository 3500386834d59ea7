// Command badimport is a plugin that imports a host function Envoy does not provide (one of
// Higress's Redis functions): strict mode must refuse it, naming the import.
package main

import (
	"unsafe"

	_ "github.com/aiwasm/aiwasm/sdkwrap/bridge"
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm"
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"
)

func init() { proxywasm.SetVMContext(&types.DefaultVMContext{}) }

//go:wasmimport env proxy_redis_init
func redisInit(c unsafe.Pointer, cs uint32, u unsafe.Pointer, us uint32, p unsafe.Pointer, ps uint32, timeout uint32) uint32

//go:wasmexport probe_redis_init
func probeRedisInit() uint32 { return redisInit(nil, 0, nil, 0, nil, 0, 0) }

func main() {}
