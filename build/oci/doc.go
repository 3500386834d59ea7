// Package oci packages the plugins' .wasm modules as OCI images in the layouts Istio and
// Higress pull (both fetch oci:// URLs with go-containerregistry, the code of Istio's
// pkg/wasm/imagefetcher.go), and pushes them to a registry:
//
//   - the image (the default): an OCI image manifest whose last (and only) layer is
//     application/vnd.oci.image.layer.v1.tar+gzip holding one file, plugin.wasm. Istio,
//     Higress, and docker/podman/crane all handle it: the most compatible form.
//   - the Wasm artifact (on request): two layers, the runtime config
//     (application/vnd.module.wasm.config.v1+json) and the module itself
//     (application/vnd.module.wasm.content.layer.v1+wasm), as solo-io's Wasm image spec
//     and Istio's fetcher want it. Istio refuses the one-layer form, so it is never made.
//
// Both are byte-for-byte reproducible: the same module, metadata and creation time give the
// same manifest digest, so a digest can be pinned (WasmPlugin spec.sha256) and checked.
package oci
