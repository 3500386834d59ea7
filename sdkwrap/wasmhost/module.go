package wasmhost

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/tetratelabs/wazero"
)

// Module is a compiled plugin. Load it once per test binary and make as many plugins from it as
// the tests need; a Module is safe for concurrent use.
type Module struct {
	name     string
	runtime  wazero.Runtime
	compiled wazero.CompiledModule
	opts     moduleOptions
	envMu    sync.Mutex // guards instantiating the shared host module
}

// ModuleOption changes how a module is loaded.
type ModuleOption func(*moduleOptions)

type moduleOptions struct {
	strict      bool
	redisAddr   string
	interp      bool
	callTimeout time.Duration
}

// DefaultCallTimeout bounds one callback into the guest unless WithCallTimeout says otherwise.
const DefaultCallTimeout = 10 * time.Second

// WithCallTimeout bounds how long one callback may run: a plugin stuck in a loop is stopped
// after d (detected within 2d) and the call returns a *TrapError instead of hanging the test.
// 0 turns the watchdog off.
func WithCallTimeout(d time.Duration) ModuleOption {
	return func(o *moduleOptions) { o.callTimeout = d }
}

// Lenient turns strict mode off: the module may import functions Envoy 1.39 lacks. Missing
// functions still fail at instantiation, naming the import.
func Lenient() ModuleOption { return func(o *moduleOptions) { o.strict = false } }

// WithRedis provides Higress's Redis host functions (proxy_redis_init, proxy_redis_call),
// backed by the real Redis server at addr (host:port). Needed for the higress build variant.
func WithRedis(addr string) ModuleOption { return func(o *moduleOptions) { o.redisAddr = addr } }

// Interpreter runs the module in wazero's interpreter instead of compiling it to machine code;
// slower, for platforms the compiler does not support.
func Interpreter() ModuleOption { return func(o *moduleOptions) { o.interp = true } }

var (
	cacheOnce sync.Once
	cache     wazero.CompilationCache
)

// compilationCache is shared by every module loaded in this process: compiling a 3 MB module
// costs about half a second, and tests load the same ones many times.
func compilationCache() wazero.CompilationCache {
	cacheOnce.Do(func() {
		dir := filepath.Join(os.TempDir(), "aiwasm-wazero-cache")
		c, err := wazero.NewCompilationCacheWithDir(dir)
		if err != nil {
			c = wazero.NewCompilationCache()
		}
		cache = c
	})
	return cache
}

// Load reads and compiles the plugin at path.
func Load(path string, opts ...ModuleOption) (*Module, error) {
	wasm, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("wasmhost: %w", err)
	}
	return LoadBytes(filepath.Base(path), wasm, opts...)
}

// wasmMagic opens every binary WebAssembly module.
var wasmMagic = []byte("\x00asm")

// LoadBytes compiles a plugin from memory; name is used in errors.
func LoadBytes(name string, wasm []byte, opts ...ModuleOption) (*Module, error) {
	o := moduleOptions{strict: true, callTimeout: DefaultCallTimeout}
	for _, opt := range opts {
		opt(&o)
	}
	if !bytes.HasPrefix(wasm, wasmMagic) {
		return nil, fmt.Errorf("wasmhost: %s is not a WebAssembly module (no \\0asm header)", name)
	}
	cfg := wazero.NewRuntimeConfigCompiler()
	if o.interp {
		cfg = wazero.NewRuntimeConfigInterpreter()
	}
	ctx := context.Background()
	// CloseOnContextDone lets the watchdog (watchdog.go) stop a guest that never returns.
	cfg = cfg.WithCompilationCache(compilationCache()).WithCloseOnContextDone(o.callTimeout > 0)
	rt := wazero.NewRuntimeWithConfig(ctx, cfg)
	compiled, err := rt.CompileModule(ctx, wasm)
	if err != nil {
		rt.Close(ctx)
		return nil, fmt.Errorf("wasmhost: %s: %w", name, err)
	}
	if o.strict {
		if err := CheckEnvoyImports(compiled.ImportedFunctions(), compiled.ExportedFunctions(), o.redisAddr != ""); err != nil {
			rt.Close(ctx)
			return nil, fmt.Errorf("wasmhost: %s: %w", name, err)
		}
	}
	m := &Module{name: name, runtime: rt, compiled: compiled, opts: o}
	if err := m.instantiateHostModules(ctx); err != nil {
		rt.Close(ctx)
		return nil, fmt.Errorf("wasmhost: %s: %w", name, err)
	}
	return m, nil
}

// Name is the file name the module was loaded from.
func (m *Module) Name() string { return m.name }

// Close frees the runtime and every plugin made from the module.
func (m *Module) Close() error { return m.runtime.Close(context.Background()) }
