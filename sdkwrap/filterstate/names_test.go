package filterstate

import (
	"os"
	"strings"
	"testing"
)

// The example gateway's access log prints every published name, so what the plugins write
// is what operators see.
func TestGatewayAccessLogPrintsEveryName(t *testing.T) {
	raw, err := os.ReadFile("../../envoy/gateway.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range Logged {
		if want := "%FILTER_STATE(wasm." + name + ":PLAIN)%"; !strings.Contains(string(raw), want) {
			t.Errorf("envoy/gateway.yaml's access log lacks %s", want)
		}
	}
}
