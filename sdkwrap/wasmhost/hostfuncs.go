package wasmhost

import (
	"context"

	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

// hostFunc is one function the host exports to the guest in module "env". Every parameter is
// an i32 unless i64At marks it; every function returns an i32 WasmResult.
type hostFunc struct {
	name   string
	params int
	i64At  int // index of the one i64 parameter, or -1
	fn     func(v *vm, p []uint64) status
}

const statusInvalidMemoryAccess status = 6

// instantiateHostModules provides WASI (with the clock, stdio and nothing else of the host) and
// the proxy-wasm "env" functions to every VM made from this module.
func (m *Module) instantiateHostModules(ctx context.Context) error {
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, m.runtime); err != nil {
		return err
	}
	funcs := append(append([]hostFunc(nil), logAndStateFuncs...), httpFuncs...)
	funcs = append(funcs, callFuncs...)
	if m.opts.redisAddr != "" {
		funcs = append(funcs, redisFuncs...)
	}
	b := m.runtime.NewHostModuleBuilder("env")
	for _, f := range funcs {
		params := make([]api.ValueType, f.params)
		for i := range params {
			params[i] = api.ValueTypeI32
		}
		if f.i64At >= 0 {
			params[f.i64At] = api.ValueTypeI64
		}
		fn, n, wide := f.fn, f.params, f.i64At
		b.NewFunctionBuilder().
			WithGoModuleFunction(api.GoModuleFunc(func(ctx context.Context, _ api.Module, stack []uint64) {
				// An i32 arrives in a 64-bit slot whose upper half is not guaranteed to be zero.
				for i := 0; i < n; i++ {
					if i != wide {
						stack[i] = uint64(uint32(stack[i]))
					}
				}
				stack[0] = uint64(fn(vmOf(ctx), stack))
			}), params, []api.ValueType{api.ValueTypeI32}).
			Export(f.name)
	}
	_, err := b.Instantiate(ctx)
	return err
}

// Memory helpers. Guest pointers arrive as i32; a bad one gives InvalidMemoryAccess, never a
// host panic.

func (v *vm) read(ptr, size uint64) ([]byte, bool) {
	if size == 0 {
		return nil, true
	}
	return v.mem.Read(uint32(ptr), uint32(size))
}

func (v *vm) readString(ptr, size uint64) (string, bool) {
	b, ok := v.read(ptr, size)
	return string(b), ok
}

func (v *vm) writeU32(ptr uint64, val uint32) bool { return v.mem.WriteUint32Le(uint32(ptr), val) }

// returnData hands data to the guest the proxy-wasm way: memory from its
// proxy_on_memory_allocate, the address and size written to the two out-pointers.
func (v *vm) returnData(data []byte, ptrPtr, sizePtr uint64) status {
	var addr uint32
	if len(data) > 0 {
		v.allocStack[0] = uint64(len(data))
		if err := v.exports.alloc.CallWithStack(v.ctx, v.allocStack); err != nil {
			return statusInternalFailure
		}
		addr = uint32(v.allocStack[0])
		if addr == 0 || !v.mem.Write(addr, data) {
			return statusInvalidMemoryAccess
		}
	}
	if !v.writeU32(ptrPtr, addr) || !v.writeU32(sizePtr, uint32(len(data))) {
		return statusInvalidMemoryAccess
	}
	return statusOK
}

// stream is the HTTP stream of the effective context, or nil on a root context.
func (v *vm) stream() *Stream { return v.streams[v.active] }
