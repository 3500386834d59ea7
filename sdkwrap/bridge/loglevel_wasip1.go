//go:build wasip1

package bridge

//go:wasmimport env proxy_get_log_level
func hostGetLogLevel(retLevel *uint32) uint32

// LogLevel is the host's current log level for this plugin (proxy-wasm: 0 trace ... 5
// critical), so a logger can skip formatting a message nobody will see. The SDK v0.24.0 has
// no wrapper for it. If the host cannot tell, everything is logged.
func LogLevel() uint32 {
	var level uint32
	if hostGetLogLevel(&level) != 0 {
		return 0
	}
	return level
}
