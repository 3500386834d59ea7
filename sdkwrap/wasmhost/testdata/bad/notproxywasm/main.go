// Command notproxywasm is a valid wasip1 module that is not a proxy-wasm plugin: the host
// must refuse it.
package main

func main() {}
