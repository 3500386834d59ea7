//go:build !wasip1

package bridge

// LogLevel is trace outside Wasm: the SDK's proxytest emulator keeps every message.
func LogLevel() uint32 { return 0 }
