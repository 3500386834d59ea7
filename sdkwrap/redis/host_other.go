//go:build !(higress && wasip1)

package redis

import "errors"

// errUnavailable is every call's answer outside a higress wasip1 module: natively (go test)
// there is no host, and the default build must not import Higress's functions.
var errUnavailable = errors.New("redis: Higress's Redis host functions exist only in the higress build, inside a Wasm module")

// Open reports that Redis needs the higress build.
func Open(Settings) (*Client, error) { return nil, errUnavailable }

// Do reports that Redis needs the higress build.
func (c *Client) Do([]byte, uint32, Reply) error { return errUnavailable }
