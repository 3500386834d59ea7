//go:build wasip1

package bridge

import "unsafe"

// pinned holds every buffer the host asked for since the last host call that returns data.
// The host writes into such a buffer and hands back only its 32-bit address; until the SDK has
// turned that address into a Go pointer, nothing else references the buffer and the GC could
// free it mid-copy (seen as corrupted headers under GC pressure).
var pinned [][]byte

// retData and retSize receive the address and size of data returned by a host call. They are
// globals, not locals: a host call may re-enter Go through proxy_on_memory_allocate, and a
// global never moves while it does.
var retData, retSize uint32

//go:wasmexport proxy_on_memory_allocate
func proxyOnMemoryAllocate(size uint32) unsafe.Pointer {
	if size == 0 {
		size = 1 // &buf[0] must exist; the host copies nothing
	}
	buf := make([]byte, size)
	pinned = append(pinned, buf)
	return unsafe.Pointer(&buf[0])
}

// takeReturned turns the address and size written by the last host call into the SDK's
// out-parameters, then unpins: from here on the Go pointer keeps the buffer alive.
func takeReturned(data **byte, size *int) {
	if retData == 0 || retSize == 0 {
		*data, *size = nil, 0
	} else {
		*data = (*byte)(unsafe.Add(unsafe.Pointer(nil), uintptr(retData)))
		*size = int(retSize)
	}
	retData, retSize = 0, 0
	clear(pinned)
	pinned = pinned[:0]
}

// bytesOf returns the address of a byte pointer the SDK hands us, as the wasm ABI wants it.
func bytesOf(p *byte) unsafe.Pointer { return unsafe.Pointer(p) }
