package oci

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// fakeWasm is enough of a module for packaging: the header Istio's cache checks, then bytes.
var fakeWasm = append([]byte("\x00asm\x01\x00\x00\x00"), bytes.Repeat([]byte("aiwasm"), 1000)...)

var created = time.Unix(1700000000, 0).UTC()

func testMeta() Meta {
	return Meta{Plugin: "key-auth", Version: "1.2.3", Revision: "0123abcd", Source: "https://github.com/aiwasm/aiwasm",
		Created: created, README: []byte("# key-auth\n\nConsumers and API keys.\n")}
}

func TestImageLayout(t *testing.T) {
	img, err := Image(fakeWasm, testMeta())
	if err != nil {
		t.Fatal(err)
	}
	m, err := img.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	if m.MediaType != types.OCIManifestSchema1 || m.Config.MediaType != types.OCIConfigJSON {
		t.Fatalf("media types %s, config %s", m.MediaType, m.Config.MediaType)
	}
	if len(m.Layers) != 1 || m.Layers[0].MediaType != types.OCILayer {
		t.Fatalf("layers %+v", m.Layers)
	}
	want := map[string]string{
		AnnotationTitle: "key-auth", AnnotationVersion: "1.2.3", AnnotationRevision: "0123abcd",
		AnnotationSource: "https://github.com/aiwasm/aiwasm", AnnotationCreated: "2023-11-14T22:13:20Z",
		AnnotationPhase: "AUTHN", AnnotationPriority: "310", AnnotationReadme: "# key-auth\n\nConsumers and API keys.\n",
	}
	if !maps.Equal(m.Annotations, want) {
		t.Errorf("annotations\n got %v\nwant %v", m.Annotations, want)
	}

	cfg, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Created.Time.Equal(created) || cfg.OS != "wasip1" || cfg.Architecture != "wasm" {
		t.Errorf("config created %v os %s arch %s", cfg.Created, cfg.OS, cfg.Architecture)
	}
	if _, ok := cfg.Config.Labels[AnnotationReadme]; ok || cfg.Config.Labels[AnnotationPhase] != "AUTHN" {
		t.Errorf("labels %v", cfg.Config.Labels)
	}

	// The layer: a gzip whose tar holds plugin.wasm alone, with fixed mode, owner and time,
	// and the diff ID in the config is the digest of that tar.
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	rc, err := layers[0].Compressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	zr, err := gzip.NewReader(rc)
	if err != nil {
		t.Fatal(err)
	}
	tarBytes, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.RootFS.DiffIDs[0].Hex != sha256Hex(tarBytes) {
		t.Errorf("diff id %s, tar sha256 %s", cfg.RootFS.DiffIDs[0].Hex, sha256Hex(tarBytes))
	}
	tr := tar.NewReader(bytes.NewReader(tarBytes))
	h, err := tr.Next()
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(tr)
	if h.Name != WasmFile || h.Mode != 0o644 || h.Uid != 0 || h.Gid != 0 || !h.ModTime.Equal(created) || !bytes.Equal(body, fakeWasm) {
		t.Errorf("entry %s mode %o uid %d gid %d mtime %v, %d bytes", h.Name, h.Mode, h.Uid, h.Gid, h.ModTime, len(body))
	}
	if _, err := tr.Next(); err != io.EOF {
		t.Errorf("a second entry in the layer: %v", err)
	}
	if got, err := istioFetch(img); err != nil || !bytes.Equal(got, fakeWasm) {
		t.Errorf("Istio's rules: %v", err)
	}
}

func TestArtifactLayout(t *testing.T) {
	img, err := Artifact(fakeWasm, testMeta())
	if err != nil {
		t.Fatal(err)
	}
	m, err := img.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	if m.Config.MediaType != WasmConfigMediaType || len(m.Layers) != 2 ||
		m.Layers[0].MediaType != WasmConfigMediaType || m.Layers[1].MediaType != WasmContentMediaType {
		t.Fatalf("manifest %+v", m)
	}
	if m.Annotations[AnnotationPriority] != "310" {
		t.Errorf("annotations %v", m.Annotations)
	}
	raw, _ := img.RawConfigFile()
	var rc runtimeConfig
	if err := json.Unmarshal(raw, &rc); err != nil || rc.Type != "envoy_proxy" || !slices.Equal(rc.Config.RootIDs, []string{"key-auth"}) {
		t.Errorf("runtime config %s: %v", raw, err)
	}
	if m.Config.Digest.Hex != sha256Hex(raw) {
		t.Errorf("config digest %s for %s", m.Config.Digest, raw)
	}
	if got, err := istioFetch(img); err != nil || !bytes.Equal(got, fakeWasm) {
		t.Errorf("Istio's rules: %v", err)
	}
}

// Same inputs, same digest; each input that should matter changes it.
func TestDigestsAreReproducible(t *testing.T) {
	for _, pack := range []struct {
		name string
		fn   func([]byte, Meta) (v1.Image, error)
	}{{"image", Image}, {"artifact", Artifact}} {
		digest := func(wasm []byte, m Meta) string {
			img, err := pack.fn(wasm, m)
			if err != nil {
				t.Fatal(err)
			}
			d, err := img.Digest()
			if err != nil {
				t.Fatal(err)
			}
			return d.String()
		}
		base := digest(fakeWasm, testMeta())
		if again := digest(append([]byte(nil), fakeWasm...), testMeta()); again != base {
			t.Errorf("%s: %s then %s", pack.name, base, again)
		}
		later := testMeta()
		later.Created = created.Add(time.Second)
		other := testMeta()
		other.Version = "1.2.4"
		changed := map[string]string{
			"module":  digest(append(fakeWasm[:len(fakeWasm):len(fakeWasm)], 0), testMeta()),
			"version": digest(fakeWasm, other),
		}
		if pack.name == "image" {
			changed["created"] = digest(fakeWasm, later) // the artifact has no timestamps but the annotation
		}
		for what, d := range changed {
			if d == base {
				t.Errorf("%s: another %s, same digest", pack.name, what)
			}
		}
	}
}

func TestReadmeAnnotationIsCutAtALine(t *testing.T) {
	line := "| field | type | default | meaning with a few more words |\n"
	big := []byte(strings.Repeat(line, MaxReadme/len(line)+10))
	m := testMeta()
	m.README = big
	got := m.annotations(Placements["key-auth"], true)[AnnotationReadme]
	tail := "\n[README truncated; full text: https://github.com/aiwasm/aiwasm/blob/0123abcd/plugins/key-auth/README.md]\n"
	if len(got) > MaxReadme || !strings.HasSuffix(got, tail) {
		t.Fatalf("%d bytes, ends %q", len(got), got[len(got)-120:])
	}
	if body := strings.TrimSuffix(got, tail); !strings.HasSuffix(body, "meaning with a few more words |") {
		t.Errorf("not cut at a line break: ...%q", body[len(body)-40:])
	}
	m.README = big[:MaxReadme]
	if got := m.annotations(Placements["key-auth"], true)[AnnotationReadme]; got != string(big[:MaxReadme]) {
		t.Error("a README of exactly MaxReadme bytes was changed")
	}
}

// The phases and priorities put the plugins in the order of the full-chain Envoy config.
func TestPlacementsGiveTheGatewayChain(t *testing.T) {
	gateway, err := os.ReadFile("../../envoy/gateway.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var chain []string
	for _, m := range regexp.MustCompile(`(?m)^\s*- name: ([a-z-]+)$`).FindAllStringSubmatch(string(gateway), -1) {
		if _, ok := Placements[m[1]]; ok && !slices.Contains(chain, m[1]) {
			chain = append(chain, m[1])
		}
	}
	if len(chain) != len(Placements) || !slices.Equal(ChainOrder(), chain) {
		t.Fatalf("phase/priority order %v, envoy/gateway.yaml %v", ChainOrder(), chain)
	}
}

func TestUnknownPluginIsRefused(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(dir+"/ai-guard.wasm", fakeWasm, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := PushAll(t.Context(), Options{OutDir: dir, Version: "1.0.0", DryRun: true})
	if err == nil || !strings.Contains(err.Error(), `"ai-guard"`) || !strings.Contains(err.Error(), "build/oci/plugins.go") {
		t.Fatalf("err %v", err)
	}
}

func TestTags(t *testing.T) {
	for _, c := range []struct{ variant, kind, want string }{
		{"", "image", "1.0.0"}, {"higress", "image", "1.0.0-higress"},
		{"", "artifact", "1.0.0-artifact"}, {"higress", "artifact", "1.0.0-higress-artifact"},
	} {
		if got := Tag("1.0.0", c.variant, c.kind); got != c.want {
			t.Errorf("%q %q: %s, want %s", c.variant, c.kind, got, c.want)
		}
	}
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
