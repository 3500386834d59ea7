package oci

import (
	"fmt"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Image packs a module as the image Istio and Higress pull: OCI media types, one
// tar+gzip layer holding plugin.wasm, the metadata as manifest annotations (the README
// included) and as config labels (without it, for docker inspect).
func Image(wasm []byte, m Meta) (v1.Image, error) {
	p, err := placementOf(m.Plugin)
	if err != nil {
		return nil, err
	}
	layer, err := wasmLayer(wasm, m.Created)
	if err != nil {
		return nil, fmt.Errorf("%s: layer: %w", m.Plugin, err)
	}
	base := mutate.ConfigMediaType(mutate.MediaType(empty.Image, types.OCIManifestSchema1), types.OCIConfigJSON)
	created := v1.Time{Time: m.Created.UTC()}
	base, err = mutate.ConfigFile(base, &v1.ConfigFile{
		Architecture: "wasm",
		OS:           "wasip1",
		Created:      created,
		RootFS:       v1.RootFS{Type: "layers"},
		Config:       v1.Config{Labels: m.annotations(p, false)},
	})
	if err != nil {
		return nil, err
	}
	img, err := mutate.Append(base, mutate.Addendum{
		Layer:     layer,
		MediaType: types.OCILayer,
		History:   v1.History{Created: created, CreatedBy: "aiwasm wasmoci: COPY " + WasmFile + " /"},
	})
	if err != nil {
		return nil, err
	}
	return mutate.Annotations(img, m.annotations(p, true)).(v1.Image), nil
}
