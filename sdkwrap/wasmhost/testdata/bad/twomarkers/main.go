// Command twomarkers is a plugin that exports a second ABI marker next to the bridge's:
// Envoy refuses such a module, so the host must too.
package main

import _ "github.com/aiwasm/aiwasm/sdkwrap/bridge"

//go:wasmexport proxy_abi_version_0_2_0
func oldMarker() {}

func main() {}
