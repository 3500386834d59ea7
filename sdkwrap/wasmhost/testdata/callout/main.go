// Command callout makes one HTTP call per request to cluster "upstream" and resumes the
// request when it answers: the benchmark for the cost of a callout cycle.
package main

import (
	_ "github.com/aiwasm/aiwasm/sdkwrap/bridge"
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm"
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"
)

func main() {}

func init() { proxywasm.SetVMContext(&vm{}) }

type vm struct{ types.DefaultVMContext }

func (*vm) NewPluginContext(uint32) types.PluginContext { return &plugin{} }

type plugin struct{ types.DefaultPluginContext }

func (*plugin) NewHttpContext(uint32) types.HttpContext { return &stream{} }

type stream struct{ types.DefaultHttpContext }

var callHeaders = [][2]string{{":method", "GET"}, {":path", "/allow"}, {":authority", "upstream"}}

func (*stream) OnHttpRequestHeaders(int, bool) types.Action {
	_, err := proxywasm.DispatchHttpCall("upstream", callHeaders, nil, nil, 1000, func(int, int, int) {
		_ = proxywasm.ResumeHttpRequest()
	})
	if err != nil {
		proxywasm.LogErrorf("callout: %v", err)
		return types.ActionContinue
	}
	return types.ActionPause
}
