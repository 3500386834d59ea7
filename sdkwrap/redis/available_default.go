//go:build !higress

package redis

// Available reports whether this build has a Redis backend: the higress build does (in a
// Wasm module; natively Open still fails), the default one does not.
const Available = false
