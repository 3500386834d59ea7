// Package plugin is the aiwasm plugin framework: a plugin declares its name, its
// configuration type with a parse-and-validate function, and its handlers; the framework does
// the proxy-wasm plumbing around them.
//
//	func init() {
//		plugin.Register(plugin.Plugin[Config, State]{
//			Name:           "key-auth",
//			Config:         parseConfig,      // func(*config.Reader) (*Config, error)
//			RequestHeaders: authenticate,     // func(*plugin.Stream[Config, State]) plugin.Action
//		})
//	}
//
// What the framework does for every plugin:
//   - Configuration is read once, at configure time, with sdkwrap/config into the plugin's
//     own type, for the global config and every _rules_ entry (sdkwrap/rules). A refused
//     configuration fails proxy_on_configure with a log line naming the JSON path and the
//     reason; unknown fields are logged as warnings.
//   - Each request gets the configuration its route, domain or service matches, and a
//     zeroed per-request State of the plugin's type.
//   - Bodies are buffered only when a handler wants them, within limits (413 with an OpenAI
//     error for a request body over MaxRequestBody). Response bodies come whole, per chunk,
//     or per server-sent event (sdkwrap/sse), and can be rewritten; content-length is
//     dropped whenever a body may change size, since Envoy keeps the old one.
//   - Local answers (Reply, Fail) use the OpenAI error JSON
//     {"error":{"message","type","code"}}; a panic in a handler becomes a 500 of that
//     shape (sdkwrap/bridge).
//   - Logs carry "[plugin] [x-request-id]" and are formatted only at enabled levels;
//     metrics are named <plugin>_<name>; filter state and the consumer identity follow the
//     contract in sdkwrap/filterstate.
//
// Importing this package also installs the Go 1.24 bridge (sdkwrap/bridge).
package plugin

import _ "github.com/aiwasm/aiwasm/sdkwrap/bridge"
