package oci

import (
	"encoding/json"
	"fmt"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Media types of solo-io's Wasm artifact, the "oci" variant Istio's fetcher accepts.
const (
	WasmConfigMediaType  types.MediaType = "application/vnd.module.wasm.config.v1+json"
	WasmContentMediaType types.MediaType = "application/vnd.module.wasm.content.layer.v1+wasm"
)

// runtimeConfig is the artifact's config: which proxy and ABI the module is for and the root
// id it registers (our plugins answer to any root id; their name is what envoy/ uses).
type runtimeConfig struct {
	Type        string   `json:"type"`
	ABIVersions []string `json:"abiVersions"`
	Config      struct {
		RootIDs []string `json:"rootIds"`
	} `json:"config"`
}

// Artifact packs a module as the two-layer Wasm artifact: the runtime config both as the
// manifest's config and as the first layer (Istio wants exactly two layers and finds the
// module by its media type), the raw module as the second. Not every registry accepts
// these media types; Image is the form to prefer.
func Artifact(wasm []byte, m Meta) (v1.Image, error) {
	p, err := placementOf(m.Plugin)
	if err != nil {
		return nil, err
	}
	rc := runtimeConfig{Type: "envoy_proxy", ABIVersions: []string{"v0.2.1"}}
	rc.Config.RootIDs = []string{m.Plugin}
	cfg, err := json.Marshal(rc)
	if err != nil {
		return nil, err
	}
	configLayer := static.NewLayer(cfg, WasmConfigMediaType)
	a := &artifact{config: cfg, blobs: map[v1.Hash]v1.Layer{}}
	a.manifest = v1.Manifest{
		SchemaVersion: 2,
		MediaType:     types.OCIManifestSchema1,
		Config:        descriptor(configLayer, nil),
		Annotations:   m.annotations(p, true),
	}
	layers := []struct {
		layer v1.Layer
		title string
	}{
		{configLayer, "runtime-config.json"},
		{static.NewLayer(wasm, WasmContentMediaType), WasmFile},
	}
	for _, l := range layers {
		d := descriptor(l.layer, map[string]string{AnnotationTitle: l.title})
		a.manifest.Layers = append(a.manifest.Layers, d)
		a.blobs[d.Digest] = l.layer
	}
	if a.raw, err = json.Marshal(a.manifest); err != nil {
		return nil, err
	}
	return partial.CompressedToImage(a)
}

// descriptor describes a static layer; static layers cannot fail to hash.
func descriptor(l v1.Layer, annotations map[string]string) v1.Descriptor {
	d, _ := l.Digest()
	size, _ := l.Size()
	mt, _ := l.MediaType()
	return v1.Descriptor{MediaType: mt, Size: size, Digest: d, Annotations: annotations}
}

// artifact is a manifest written by hand: go-containerregistry's mutate package always
// writes an image config, and the artifact's config is the runtime config instead.
type artifact struct {
	manifest v1.Manifest
	raw      []byte
	config   []byte
	blobs    map[v1.Hash]v1.Layer
}

func (a *artifact) RawConfigFile() ([]byte, error)      { return a.config, nil }
func (a *artifact) MediaType() (types.MediaType, error) { return a.manifest.MediaType, nil }
func (a *artifact) RawManifest() ([]byte, error)        { return a.raw, nil }

func (a *artifact) LayerByDigest(h v1.Hash) (partial.CompressedLayer, error) {
	// The config is also the first layer, so its digest is among the blobs.
	if l, ok := a.blobs[h]; ok {
		return l, nil
	}
	return nil, fmt.Errorf("artifact: no blob %s", h)
}
