package plugin

import (
	"fmt"

	"github.com/aiwasm/aiwasm/sdkwrap/bridge"
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm"
)

// Log levels, as proxy-wasm numbers them (0 is trace, 5 critical).
const (
	LevelDebug = 1
	LevelInfo  = 2
	LevelWarn  = 3
	LevelError = 4
)

// Logger writes to the host's log with a "[plugin] [request-id] " prefix. It asks the host
// for its level first and formats only what will be kept, so debug lines cost next to
// nothing in production. Never log secrets or prompts.
type Logger struct {
	prefix string
	// needID: the stream's x-request-id joins the prefix at its first message. Most
	// requests log nothing, so the header is read only then.
	needID bool
}

func (l Logger) lazyRequestID() Logger {
	return Logger{prefix: l.prefix, needID: true}
}

func (l *Logger) Debugf(format string, args ...any) { l.logf(LevelDebug, format, args) }
func (l *Logger) Infof(format string, args ...any)  { l.logf(LevelInfo, format, args) }
func (l *Logger) Warnf(format string, args ...any)  { l.logf(LevelWarn, format, args) }
func (l *Logger) Errorf(format string, args ...any) { l.logf(LevelError, format, args) }

// Enabled reports whether a message at level would be kept: guard expensive arguments with
// it.
func (l *Logger) Enabled(level int) bool { return uint32(level) >= bridge.LogLevel() }

func (l *Logger) logf(level int, format string, args []any) {
	if !l.Enabled(level) {
		return
	}
	if l.needID {
		l.needID = false
		if id, err := proxywasm.GetHttpRequestHeader("x-request-id"); err == nil && id != "" {
			l.prefix += "[" + id + "] "
		}
	}
	msg := l.prefix + fmt.Sprintf(format, args...)
	switch level {
	case LevelDebug:
		proxywasm.LogDebug(msg)
	case LevelInfo:
		proxywasm.LogInfo(msg)
	case LevelWarn:
		proxywasm.LogWarn(msg)
	default:
		proxywasm.LogError(msg)
	}
}
