package oci

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// WasmFile is the one file of the image's layer: the name Istio's and Higress's fetchers
// look for.
const WasmFile = "plugin.wasm"

// wasmTarGz is the layer's content: a tar holding only plugin.wasm, gzip-compressed. Every
// field that could vary between builds is fixed (mode 0644, owner 0, mtime = created, no
// gzip name or time), so the same module always gives the same bytes and digest.
func wasmTarGz(wasm []byte, created time.Time) ([]byte, error) {
	return tarGz(WasmFile, wasm, created)
}

func tarGz(file string, content []byte, created time.Time) ([]byte, error) {
	var tarBuf bytes.Buffer
	tw := tar.NewWriter(&tarBuf)
	hdr := &tar.Header{
		Typeflag: tar.TypeReg,
		Name:     file,
		Mode:     0o644,
		Size:     int64(len(content)),
		ModTime:  created.UTC(),
		Format:   tar.FormatPAX,
	}
	if err := tw.WriteHeader(hdr); err != nil {
		return nil, err
	}
	if _, err := tw.Write(content); err != nil {
		return nil, err
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	var gz bytes.Buffer
	zw, err := gzip.NewWriterLevel(&gz, gzip.DefaultCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(tarBuf.Bytes()); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return gz.Bytes(), nil
}

// wasmLayer is wasmTarGz as a layer. go-containerregistry keeps our compressed bytes as they
// are (it recompresses only uncompressed input) and derives the diff ID from them.
func wasmLayer(wasm []byte, created time.Time) (v1.Layer, error) {
	gz, err := wasmTarGz(wasm, created)
	if err != nil {
		return nil, err
	}
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(gz)), nil
	}, tarball.WithMediaType(types.OCILayer))
}
