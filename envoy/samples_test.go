package envoy_test

// The Higress and Istio WasmPlugin samples in higress/ and istio/: each names its plugin's
// image and place in the chain, and its configuration is loaded into the built module under
// the wazero host (Higress's after turning matchRules into _rules_, as Higress does). A
// refused configuration, or one the plugin warns about, fails: the samples cannot rot.

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aiwasm/aiwasm/build/oci"
	"github.com/aiwasm/aiwasm/sdkwrap/wasmhost"
	"gopkg.in/yaml.v3"
)

const (
	outDir   = "../out"
	imageURL = "oci://registry.example.com/aiwasm/"
)

type wasmPlugin struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	Spec struct {
		URL           string         `yaml:"url"`
		Phase         string         `yaml:"phase"`
		Priority      *int           `yaml:"priority"`
		DefaultConfig map[string]any `yaml:"defaultConfig"`
		MatchRules    []any          `yaml:"matchRules"`
		PluginConfig  map[string]any `yaml:"pluginConfig"`
	} `yaml:"spec"`
}

// readWasmPlugin returns the one WasmPlugin document of a sample (others, such as Istio's
// ServiceEntry, are left alone) and its raw YAML.
func readWasmPlugin(t *testing.T, path string) (wasmPlugin, []byte) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var found []wasmPlugin
	var docs [][]byte
	for _, doc := range bytes.Split(raw, []byte("\n---\n")) {
		var wp wasmPlugin
		if err := yaml.NewDecoder(bytes.NewReader(doc)).Decode(&wp); err != nil && !errors.Is(err, io.EOF) {
			t.Fatalf("%s: %v", path, err)
		}
		if wp.Kind == "WasmPlugin" {
			found, docs = append(found, wp), append(docs, doc)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%s: %d WasmPlugin documents, want 1", path, len(found))
	}
	return found[0], docs[0]
}

// checkHeader: the resource is the plugin's, from its image, at its place in the chain.
func checkHeader(t *testing.T, path string, wp wasmPlugin, plugin, apiVersion, tag string) {
	t.Helper()
	place := oci.Placements[plugin]
	if wp.APIVersion != apiVersion || wp.Kind != "WasmPlugin" || wp.Metadata.Name != plugin {
		t.Errorf("%s: %s %s %q", path, wp.APIVersion, wp.Kind, wp.Metadata.Name)
	}
	if want := imageURL + plugin + ":" + tag; wp.Spec.URL != want {
		t.Errorf("%s: url %s, want %s", path, wp.Spec.URL, want)
	}
	if wp.Spec.Phase != place.Phase || wp.Spec.Priority == nil || *wp.Spec.Priority != place.Priority {
		t.Errorf("%s: phase %s priority %v, want %s %d (build/oci/plugins.go)", path, wp.Spec.Phase, wp.Spec.Priority, place.Phase, place.Priority)
	}
}

// load configures the module at path, skipping plugins not built yet.
func load(t *testing.T, path, config string, opts ...wasmhost.ModuleOption) {
	t.Helper()
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		t.Skipf("%s is not built yet (make build)", path)
	}
	m, err := wasmhost.Load(path, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	p := m.TestPlugin(t, config)
	if warns := p.LogsAt(wasmhost.LevelWarn); len(warns) > 0 {
		t.Errorf("%s with %s: warnings %v", path, config, warns)
	}
}

func TestHigressSamples(t *testing.T) {
	for _, plugin := range oci.ChainOrder() {
		t.Run(plugin, func(t *testing.T) {
			path := filepath.Join("higress", plugin+".yaml")
			wp, raw := readWasmPlugin(t, path)
			checkHeader(t, path, wp, plugin, "extensions.higress.io/v1alpha1", "1.0.0-higress")
			if wp.Spec.DefaultConfig == nil || len(wp.Spec.MatchRules) == 0 {
				t.Errorf("%s: the sample should show defaultConfig and matchRules", path)
			}
			config, err := wasmhost.HigressConfig(raw)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(config, `"_rules_"`) {
				t.Fatalf("%s: no _rules_ in %s", path, config)
			}
			// The higress build may import Higress's Redis functions; the samples never call them.
			load(t, filepath.Join(outDir, "higress", plugin+".wasm"), config, wasmhost.WithRedis("127.0.0.1:1"))
		})
	}
}

func TestIstioSamples(t *testing.T) {
	for _, plugin := range oci.ChainOrder() {
		t.Run(plugin, func(t *testing.T) {
			path := filepath.Join("istio", plugin+".yaml")
			wp, _ := readWasmPlugin(t, path)
			checkHeader(t, path, wp, plugin, "extensions.istio.io/v1alpha1", "1.0.0")
			if wp.Spec.PluginConfig == nil {
				t.Fatalf("%s: no pluginConfig", path)
			}
			config, err := json.Marshal(wp.Spec.PluginConfig)
			if err != nil {
				t.Fatal(err)
			}
			load(t, filepath.Join(outDir, plugin+".wasm"), string(config))
		})
	}
}
