package bridge

import (
	"testing"

	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm"
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/proxytest"
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"
)

// Off wasip1 the bridge is empty, so a plugin that imports it still runs under the SDK's
// proxytest emulator. This test is that plugin.

type testVM struct{ types.DefaultVMContext }

func (*testVM) NewPluginContext(uint32) types.PluginContext { return &testPlugin{} }

type testPlugin struct{ types.DefaultPluginContext }

func (*testPlugin) NewHttpContext(uint32) types.HttpContext { return &testStream{} }

type testStream struct{ types.DefaultHttpContext }

func (*testStream) OnHttpRequestHeaders(int, bool) types.Action {
	_ = proxywasm.AddHttpRequestHeader("x-native", "yes")
	return types.ActionContinue
}

func TestPluginRunsNativelyUnderProxytest(t *testing.T) {
	host, reset := proxytest.NewHostEmulator(proxytest.NewEmulatorOption().WithVMContext(&testVM{}))
	defer reset()
	if st := host.StartPlugin(); st != types.OnPluginStartStatusOK {
		t.Fatalf("plugin start: %v", st)
	}
	id := host.InitializeHttpContext()
	if act := host.CallOnRequestHeaders(id, [][2]string{{":path", "/"}}, true); act != types.ActionContinue {
		t.Fatalf("action %v", act)
	}
	found := false
	for _, kv := range host.GetCurrentRequestHeaders(id) {
		found = found || (kv[0] == "x-native" && kv[1] == "yes")
	}
	if !found {
		t.Fatal("the plugin's header edit did not reach the emulator")
	}
}
