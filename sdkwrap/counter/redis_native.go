//go:build higress && !wasip1

package counter

import "errors"

// Redis needs Higress's host functions, which exist only inside a Wasm module; natively (go
// test -tags higress) it reports so, and the pure parts (script, reply parsing) are tested
// without it.
func Redis(cluster string, opts RedisOptions) (Backend, error) {
	return nil, errors.New("counter: the Redis backend runs only in a wasip1 module on Higress")
}
