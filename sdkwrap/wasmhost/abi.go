package wasmhost

import "fmt"

// Enumerations of the proxy-wasm ABI 0.2.1, as the host sees them on the wire.

// Action is what an HTTP or TCP callback tells the host to do with the stream.
type Action uint32

const (
	// Continue lets the stream go on to the next filter / the upstream / the client.
	Continue Action = 0
	// Pause stops iteration; for bodies Envoy buffers the data (StopIterationAndBuffer).
	Pause Action = 1
)

func (a Action) String() string {
	switch a {
	case Continue:
		return "Continue"
	case Pause:
		return "Pause"
	}
	return fmt.Sprintf("Action(%d)", uint32(a))
}

// LogLevel is the level of a line a plugin logs with proxy_log.
type LogLevel uint32

const (
	LevelTrace LogLevel = iota
	LevelDebug
	LevelInfo
	LevelWarn
	LevelError
	LevelCritical
)

var levelNames = [...]string{"trace", "debug", "info", "warn", "error", "critical"}

func (l LogLevel) String() string {
	if int(l) < len(levelNames) {
		return levelNames[l]
	}
	return fmt.Sprintf("level(%d)", uint32(l))
}

// status is the proxy-wasm WasmResult returned by every host function.
type status = uint32

const (
	statusOK              status = 0
	statusNotFound        status = 1
	statusBadArgument     status = 2
	statusEmpty           status = 7
	statusCasMismatch     status = 8
	statusInternalFailure status = 10
	statusUnimplemented   status = 12
)

// Header map types.
const (
	mapRequestHeaders       = 0
	mapRequestTrailers      = 1
	mapResponseHeaders      = 2
	mapResponseTrailers     = 3
	mapGrpcInitialMetadata  = 4
	mapGrpcTrailingMetadata = 5
	mapCallResponseHeaders  = 6
	mapCallResponseTrailers = 7
)

// Buffer types.
const (
	bufRequestBody      = 0
	bufResponseBody     = 1
	bufDownstreamData   = 2
	bufUpstreamData     = 3
	bufCallResponseBody = 4
	bufGrpcReceive      = 5
	bufVMConfiguration  = 6
	bufPluginConfig     = 7
	bufCallData         = 8
	bufRedisResponse    = 9 // Higress
)

// Stream types for proxy_continue_stream / proxy_close_stream.
const (
	streamRequest    = 0
	streamResponse   = 1
	streamDownstream = 2
	streamUpstream   = 3
)

// MetricType is the kind of a metric a plugin defines.
type MetricType uint32

const (
	Counter   MetricType = 0
	Gauge     MetricType = 1
	Histogram MetricType = 2
)
