package plugin

import (
	"time"

	"github.com/aiwasm/aiwasm/sdkwrap/config"
	"github.com/aiwasm/aiwasm/sdkwrap/sse"
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm"
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"
)

// Action tells the host whether to go on with the stream (Continue) or hold it (Pause) until
// the plugin resumes it or has answered it itself.
type Action = types.Action

const (
	Continue = types.ActionContinue
	Pause    = types.ActionPause
)

// Plugin declares a plugin: its name, how it reads its configuration, and its handlers. C is
// its configuration type, S the state it keeps per request (zero at the start of each).
// Handlers left nil are not called, and a body no handler wants is never buffered.
type Plugin[C, S any] struct {
	// Name prefixes logs and metrics; use the module's name, e.g. "key-auth".
	Name string

	// Config reads and validates one configuration: the global one and, for each entry of
	// _rules_, the global one with the rule's keys laid over it (see sdkwrap/rules). It
	// runs at configure time only; a returned error refuses the configuration.
	Config func(r *config.Reader) (*C, error)

	// Start runs once per plugin instance after its configuration was accepted: define
	// metrics, set up clients. An error refuses the configuration.
	Start func(root *Root[C]) error

	// RequestHeaders sees the request headers. The configuration matching the request is
	// s.Config; a request no rule matches (with no global config) skips the plugin.
	RequestHeaders func(s *Stream[C, S]) Action

	// RequestBody sees the whole request body, buffered by the host (at most
	// MaxRequestBody bytes; more is answered 413). It is called only for requests that
	// have a body.
	RequestBody func(s *Stream[C, S], body []byte) Action

	// RequestChunk sees each request chunk as it passes, for requests whose body is not
	// buffered (no RequestBody, or SkipRequestBody), and returns what to send instead, or
	// nil to send it unchanged. end marks the last call.
	RequestChunk func(s *Stream[C, S], chunk []byte, end bool) []byte

	// HoldHeadersForBody keeps the request headers from going on until RequestBody has
	// run, so RequestBody can still change them - and with them the route (ai-proxy picks
	// the provider from the model in the body). Envoy needs allow_on_headers_stop_iteration:
	// true in the filter's config for this; without it the body never arrives.
	HoldHeadersForBody bool

	// ResponseHeaders sees the response headers; it may choose how the body is handled
	// with s.SetResponseMode.
	ResponseHeaders func(s *Stream[C, S]) Action

	// ResponseBody sees the whole response body (ModeBuffer). A body over
	// MaxResponseBody is passed on untouched, unseen, with a warning.
	ResponseBody func(s *Stream[C, S], body []byte) Action

	// ResponseChunk sees each response chunk as it passes (ModeChunks) and returns what to
	// send instead, or nil to send it unchanged. end marks the last call.
	ResponseChunk func(s *Stream[C, S], chunk []byte, end bool) []byte

	// ResponseEvent sees each server-sent event of a text/event-stream response
	// (ModeEvents), whole, however the upstream chunked it, and returns the bytes to send
	// instead of ev.Raw, or nil to send the event unchanged (an empty non-nil slice drops
	// it). When the stream ends it is called once more with a zero Event and end true;
	// what it returns then is appended (a closing event of a translated stream).
	ResponseEvent func(s *Stream[C, S], ev sse.Event, end bool) []byte

	// Done runs when the stream is over, whatever happened to it.
	Done func(s *Stream[C, S])

	// Tick runs every TickPeriod (per worker); 0 means no ticks.
	Tick       func(root *Root[C])
	TickPeriod time.Duration

	// MaxRequestBody bounds the request body RequestBody may see; default 10 MiB. Envoy's
	// own buffer limit (per_connection_buffer_limit_bytes) must be at least as large.
	MaxRequestBody int
	// MaxResponseBody bounds a buffered response body; default 10 MiB.
	MaxResponseBody int
}

// DefaultMaxBody is the default of MaxRequestBody and MaxResponseBody.
const DefaultMaxBody = 10 << 20

var registered bool

// Register installs the plugin as the module's proxy-wasm VM. Call it once, from init (a
// c-shared module never runs main).
func Register[C, S any](p Plugin[C, S]) {
	if registered {
		panic("plugin.Register called twice: a module holds one plugin")
	}
	registered = true
	if p.Name == "" || p.Config == nil {
		panic("plugin.Register: Name and Config are required")
	}
	if p.MaxRequestBody <= 0 {
		p.MaxRequestBody = DefaultMaxBody
	}
	if p.MaxResponseBody <= 0 {
		p.MaxResponseBody = DefaultMaxBody
	}
	proxywasm.SetVMContext(&vm[C, S]{def: &p})
}

// vm is the proxy-wasm VM context: one per module instance, making one root per plugin
// configuration that uses this VM.
type vm[C, S any] struct {
	types.DefaultVMContext
	def *Plugin[C, S]
}

func (v *vm[C, S]) NewPluginContext(uint32) types.PluginContext {
	return &Root[C]{name: v.def.Name, newStream: func(r *Root[C], id uint32) types.HttpContext {
		return newStream(v.def, r, id)
	}, start: v.def.Start, tick: v.def.Tick, tickPeriod: v.def.TickPeriod, parse: v.def.Config}
}
