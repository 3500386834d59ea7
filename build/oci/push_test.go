package oci

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

const outDir = "../../out"

// Every module make build wrote goes to a real registry as the image and the artifact; each
// pulled back through Istio's rules gives the very bytes of the file; a second push gives
// the same manifest digests, which are also the ones a dry run computes.
func TestPushPullThroughRegistry(t *testing.T) {
	snapshot := snapshotModules(t)
	addr := startRegistry(t)
	o := Options{OutDir: snapshot, PluginsDir: "../../plugins", Registry: addr + "/aiwasm", Version: "0.0.0-test",
		Revision: "0123abcd", Source: "https://github.com/aiwasm/aiwasm", Created: created, Artifact: true, Insecure: true}
	first, err := PushAll(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	variants := map[string]bool{}
	for _, p := range first {
		variants[p.Variant] = true
		path := filepath.Join(snapshot, p.Variant, p.Plugin+".wasm")
		built, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		ref, err := name.ParseReference(p.Ref, name.Insecure)
		if err != nil {
			t.Fatal(err)
		}
		img, err := remote.Image(ref, remote.WithContext(t.Context()))
		if err != nil {
			t.Fatalf("pull %s: %v", p.Ref, err)
		}
		served, err := img.Digest()
		if err != nil || served != p.Digest {
			t.Errorf("%s: the registry serves %s, pushed %s (%v)", p.Ref, served, p.Digest, err)
		}
		wasm, err := istioFetch(img)
		if err != nil {
			t.Errorf("%s: Istio would refuse it: %v", p.Ref, err)
			continue
		}
		if sha256Hex(wasm) != sha256Hex(built) {
			t.Errorf("%s: plugin.wasm sha256 %s, %s has %s", p.Ref, sha256Hex(wasm), path, sha256Hex(built))
		}
		m, _ := img.Manifest()
		readme, _ := os.ReadFile(filepath.Join("../../plugins", p.Plugin, "README.md"))
		meta := Meta{Plugin: p.Plugin, Revision: o.Revision, Source: o.Source}
		if m.Annotations[AnnotationTitle] != p.Plugin || m.Annotations[AnnotationVersion] != o.Version ||
			m.Annotations[AnnotationReadme] != readmeAnnotation(readme, meta.readmeURL()) {
			t.Errorf("%s: annotations title %q version %q, readme of %d bytes", p.Ref, m.Annotations[AnnotationTitle],
				m.Annotations[AnnotationVersion], len(m.Annotations[AnnotationReadme]))
		}
	}
	if !variants[""] || !variants["higress"] || len(first)%4 != 0 {
		t.Errorf("pushed %d images, variants %v: want image and artifact of both builds", len(first), variants)
	}

	second, err := PushAll(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	o.DryRun, o.Registry = true, addr+"/aiwasm"
	dry, err := PushAll(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	for i := range first {
		if second[i] != first[i] || dry[i] != first[i] {
			t.Errorf("%s: pushed %s, again %s, dry run %s", first[i].Ref, first[i].Digest, second[i].Digest, dry[i].Digest)
		}
	}
}

// snapshotModules copies the modules of out/ (make build) to a directory of the test's own,
// so that a build running meanwhile cannot change a file between its push and the check.
func snapshotModules(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	paths, _ := filepath.Glob(filepath.Join(outDir, "*.wasm"))
	if len(paths) == 0 {
		t.Skip("no module in out/: run make build")
	}
	higress, _ := filepath.Glob(filepath.Join(outDir, "higress", "*.wasm"))
	if err := os.Mkdir(filepath.Join(dir, "higress"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, p := range append(paths, higress...) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(outDir, p)
		if err := os.WriteFile(filepath.Join(dir, rel), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// Istio's rules refuse what they should, so the round trip above proves something: a
// one-layer artifact, a last layer of another type, a tar without plugin.wasm.
func TestIstioRulesRefuse(t *testing.T) {
	oneLayer, err := mutate.Append(mutate.MediaType(empty.Image, types.OCIManifestSchema1),
		mutate.Addendum{Layer: static.NewLayer(fakeWasm, WasmContentMediaType)})
	if err != nil {
		t.Fatal(err)
	}
	good, err := Image(fakeWasm, testMeta())
	if err != nil {
		t.Fatal(err)
	}
	// The right layer, then a second one on top: Istio reads only the last.
	notLast, err := mutate.Append(good, mutate.Addendum{Layer: static.NewLayer([]byte("{}"), "application/json")})
	if err != nil {
		t.Fatal(err)
	}
	otherFile, err := tarGz("filter.wasm", fakeWasm, created)
	if err != nil {
		t.Fatal(err)
	}
	wrongName, err := mutate.Append(mutate.MediaType(empty.Image, types.OCIManifestSchema1),
		mutate.Addendum{Layer: static.NewLayer(otherFile, types.OCILayer)})
	if err != nil {
		t.Fatal(err)
	}
	for what, img := range map[string]v1.Image{"one-layer artifact": oneLayer, "wasm layer not last": notLast, "no plugin.wasm": wrongName} {
		if _, err := istioFetch(img); err == nil {
			t.Errorf("%s: accepted", what)
		}
	}
	// The same through the registry, as pushed by hand.
	addr := startRegistry(t)
	ref, _ := name.ParseReference(addr+"/aiwasm/one-layer:1", name.Insecure)
	if err := remote.Write(ref, oneLayer); err != nil {
		t.Fatal(err)
	}
	pulled, err := remote.Image(ref)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := istioFetch(pulled); err == nil || !strings.Contains(err.Error(), "1 layers, want 2") {
		t.Errorf("pulled one-layer artifact: %v", err)
	}
}

// Credentials: the environment variables for the registry pushed to, the docker config for
// the others.
func TestKeychain(t *testing.T) {
	dir := t.TempDir()
	cfg, _ := json.Marshal(map[string]any{"auths": map[string]any{"other.example.com": map[string]string{"username": "docker-user", "password": "docker-pass"}}})
	if err := os.WriteFile(filepath.Join(dir, "config.json"), cfg, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DOCKER_CONFIG", dir)
	t.Setenv(EnvUsername, "env-user")
	t.Setenv(EnvPassword, "env-pass")
	kc := Keychain("registry.example.com")
	for reg, want := range map[string]authn.AuthConfig{
		"registry.example.com": {Username: "env-user", Password: "env-pass"},
		"other.example.com":    {Username: "docker-user", Password: "docker-pass"},
		"third.example.com":    {},
	} {
		r, _ := name.NewRegistry(reg)
		auth, err := kc.Resolve(r)
		if err != nil {
			t.Fatal(err)
		}
		got, err := auth.Authorization()
		if err != nil {
			t.Fatal(err)
		}
		if got.Username != want.Username || got.Password != want.Password {
			t.Errorf("%s: %q/%q, want %q/%q", reg, got.Username, got.Password, want.Username, want.Password)
		}
	}
	t.Setenv(EnvUsername, "")
	t.Setenv(EnvPassword, "")
	r, _ := name.NewRegistry("registry.example.com")
	if auth, _ := kc.Resolve(r); auth != authn.Anonymous {
		t.Errorf("without the variables: %v", auth)
	}
}
