package oci

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// Options say what PushAll packs and where it pushes.
type Options struct {
	OutDir     string // the build output: <name>.wasm and higress/<name>.wasm
	PluginsDir string // plugins/, for each plugin's README.md
	Registry   string // repository prefix, e.g. registry.example.com/aiwasm
	Version    string // the tag; the higress variant gets <version>-higress
	Revision   string
	Source     string
	Created    time.Time
	Artifact   bool     // also push the two-layer Wasm artifact as <tag>-artifact
	Insecure   bool     // plain HTTP to the registry
	Plugins    []string // only these; empty: every module found in OutDir
	DryRun     bool     // pack and print digests, push nothing
	Log        io.Writer
}

// Pushed is one image written (or, in a dry run, packed).
type Pushed struct {
	Plugin, Variant, Kind string // Kind: "image" or "artifact"
	Ref                   string
	Digest                v1.Hash
}

// Tag is the tag of a plugin's image: the version, with -higress for the Higress build
// and -artifact for the Wasm artifact.
func Tag(version, variant, kind string) string {
	t := version
	if variant != "" {
		t += "-" + variant
	}
	if kind == "artifact" {
		t += "-artifact"
	}
	return t
}

// module is one .wasm file to ship.
type module struct{ plugin, variant, path string }

// modules finds <name>.wasm and higress/<name>.wasm in dir, refusing plugins with no
// placement, in chain order.
func modules(dir string, only []string) ([]module, error) {
	var found []module
	for _, v := range []struct{ variant, glob string }{{"", "*.wasm"}, {"higress", "higress/*.wasm"}} {
		paths, err := filepath.Glob(filepath.Join(dir, v.glob))
		if err != nil {
			return nil, err
		}
		for _, p := range paths {
			plugin := strings.TrimSuffix(filepath.Base(p), ".wasm")
			if len(only) > 0 && !contains(only, plugin) {
				continue
			}
			if _, err := placementOf(plugin); err != nil {
				return nil, err
			}
			found = append(found, module{plugin, v.variant, p})
		}
	}
	if len(found) == 0 {
		return nil, fmt.Errorf("no plugin module in %s (run make build)", dir)
	}
	rank := map[string]int{}
	for i, n := range ChainOrder() {
		rank[n] = i
	}
	sort.SliceStable(found, func(i, j int) bool { return rank[found[i].plugin] < rank[found[j].plugin] })
	return found, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// PushAll packs every module in o.OutDir and pushes it to o.Registry/<plugin>:<tag>.
func PushAll(ctx context.Context, o Options) ([]Pushed, error) {
	if o.Version == "" {
		return nil, fmt.Errorf("no version: set VERSION")
	}
	if !o.DryRun && o.Registry == "" {
		return nil, fmt.Errorf("no registry: set REGISTRY (e.g. registry.example.com/aiwasm)")
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	mods, err := modules(o.OutDir, o.Plugins)
	if err != nil {
		return nil, err
	}
	var out []Pushed
	for _, mod := range mods {
		wasm, err := os.ReadFile(mod.path)
		if err != nil {
			return out, err
		}
		readme, err := os.ReadFile(filepath.Join(o.PluginsDir, mod.plugin, "README.md"))
		if err != nil && !os.IsNotExist(err) {
			return out, err
		}
		meta := Meta{Plugin: mod.plugin, Variant: mod.variant, Version: o.Version, Revision: o.Revision,
			Source: o.Source, Created: o.Created, README: readme}
		kinds := []string{"image"}
		if o.Artifact {
			kinds = append(kinds, "artifact")
		}
		for _, kind := range kinds {
			p, err := pushOne(ctx, o, meta, wasm, kind)
			if err != nil {
				return out, fmt.Errorf("%s: %w", mod.path, err)
			}
			fmt.Fprintf(o.Log, "%s %s\n", p.Ref, p.Digest)
			out = append(out, p)
		}
	}
	return out, nil
}

func pushOne(ctx context.Context, o Options, m Meta, wasm []byte, kind string) (Pushed, error) {
	pack := Image
	if kind == "artifact" {
		pack = Artifact
	}
	img, err := pack(wasm, m)
	if err != nil {
		return Pushed{}, err
	}
	digest, err := img.Digest()
	if err != nil {
		return Pushed{}, err
	}
	p := Pushed{Plugin: m.Plugin, Variant: m.Variant, Kind: kind, Digest: digest,
		Ref: m.Plugin + ":" + Tag(o.Version, m.Variant, kind)}
	if o.Registry != "" {
		p.Ref = strings.TrimSuffix(o.Registry, "/") + "/" + p.Ref
	}
	if o.DryRun {
		return p, nil
	}
	var opts []name.Option
	if o.Insecure {
		opts = append(opts, name.Insecure)
	}
	ref, err := name.ParseReference(p.Ref, opts...)
	if err != nil {
		return p, err
	}
	err = remote.Write(ref, img, remote.WithContext(ctx),
		remote.WithAuthFromKeychain(Keychain(ref.Context().RegistryStr())))
	return p, err
}
