module github.com/aiwasm/aiwasm

go 1.24.0

require (
	github.com/tetratelabs/proxy-wasm-go-sdk v0.24.0
	github.com/tetratelabs/wazero v1.11.0
	gopkg.in/yaml.v3 v3.0.1
)

require golang.org/x/sys v0.38.0 // indirect
