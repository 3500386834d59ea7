package wasmhost

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestCodeBlocks(t *testing.T) {
	md := "text\n```yaml\na: 1\n```\n```go\nx\n```\n```yaml\nb: 2\n```\n"
	if got := codeBlocks([]byte(md), "yaml"); !reflect.DeepEqual(got, []string{"a: 1\n", "b: 2\n"}) {
		t.Fatalf("%q", got)
	}
}

func TestHigressConfig(t *testing.T) {
	raw, err := HigressConfig([]byte(`
apiVersion: extensions.higress.io/v1alpha1
kind: WasmPlugin
spec:
  defaultConfig: {keys: [x-api-key]}
  matchRules:
  - ingress: [default/chat]
    config: {allow: [alice]}
  - domain: ["*.example.com"]
    service: [llm.svc]
    config: {allow: [bob]}
  - ingress: [off]
    configDisable: true
    config: {}
`))
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	_ = json.Unmarshal([]byte(raw), &got)
	want := map[string]any{
		"keys": []any{"x-api-key"},
		"_rules_": []any{
			map[string]any{"allow": []any{"alice"}, "_match_route_": []any{"default/chat"}},
			map[string]any{"allow": []any{"bob"}, "_match_domain_": []any{"*.example.com"}, "_match_service_": []any{"llm.svc"}},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %s", raw)
	}
	if _, err := HigressConfig([]byte("kind: Deployment\n")); err == nil {
		t.Fatal("a Deployment was accepted")
	}
}
