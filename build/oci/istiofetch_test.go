package oci

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"path"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// istioFetch applies the rules of Istio's Wasm image fetcher (istio/istio
// pkg/wasm/imagefetcher.go, which Higress uses as well) to an image, and returns the module
// it would load:
//
//   - a Docker schema 2 manifest: the last layer must be a Docker tar+gzip layer;
//   - otherwise, first the "compat" form: the last layer is
//     application/vnd.oci.image.layer.v1.tar+gzip and its tar holds a file whose base name
//     is plugin.wasm;
//   - else the Wasm artifact: exactly two layers, one of them
//     application/vnd.module.wasm.content.layer.v1+wasm, read raw;
//   - anything else (a one-layer artifact, a tar without plugin.wasm) is refused.
//
// Istio's cache then refuses bytes that are not a Wasm binary (no \0asm header).
func istioFetch(img v1.Image) ([]byte, error) {
	m, err := img.Manifest()
	if err != nil {
		return nil, err
	}
	layers, err := img.Layers()
	if err != nil {
		return nil, err
	}
	var wasm []byte
	if m.MediaType == types.DockerManifestSchema2 {
		wasm, err = lastLayerWasm(layers, types.DockerLayer)
	} else {
		var errCompat, errArtifact error
		if wasm, errCompat = lastLayerWasm(layers, types.OCILayer); errCompat != nil {
			if wasm, errArtifact = artifactWasm(layers); errArtifact != nil {
				err = fmt.Errorf("not the compat form (%v) nor the Wasm artifact (%v)", errCompat, errArtifact)
			}
		}
	}
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(wasm, []byte("\x00asm")) {
		return nil, errors.New("fetched file is not a Wasm binary")
	}
	return wasm, nil
}

func lastLayerWasm(layers []v1.Layer, want types.MediaType) ([]byte, error) {
	if len(layers) == 0 {
		return nil, errors.New("no layers")
	}
	last := layers[len(layers)-1]
	mt, err := last.MediaType()
	if err != nil {
		return nil, err
	}
	if mt != want {
		return nil, fmt.Errorf("last layer is %s, want %s", mt, want)
	}
	rc, err := last.Compressed()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	zr, err := gzip.NewReader(rc)
	if err != nil {
		return nil, err
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil, errors.New(WasmFile + " not in the last layer")
		}
		if err != nil {
			return nil, err
		}
		if path.Base(h.Name) == WasmFile {
			return io.ReadAll(tr)
		}
	}
}

func artifactWasm(layers []v1.Layer) ([]byte, error) {
	if len(layers) != 2 {
		return nil, fmt.Errorf("%d layers, want 2", len(layers))
	}
	for _, l := range layers {
		mt, err := l.MediaType()
		if err != nil {
			return nil, err
		}
		if mt == WasmContentMediaType {
			rc, err := l.Compressed()
			if err != nil {
				return nil, err
			}
			defer rc.Close()
			return io.ReadAll(rc)
		}
	}
	return nil, errors.New("no " + string(WasmContentMediaType) + " layer")
}
