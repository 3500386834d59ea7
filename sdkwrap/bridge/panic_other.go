//go:build !wasip1

package bridge

// PanicReplied is false outside Wasm, where no export recovers panics.
func PanicReplied(uint32) bool { return false }
