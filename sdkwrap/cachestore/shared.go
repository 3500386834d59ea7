package cachestore

import (
	"errors"

	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm"
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"
)

// sharedData is the part of proxy-wasm shared data the local store needs; tests put a map
// in its place.
type sharedData interface {
	get(key string) (value []byte, cas uint32, found bool, err error)
	// set writes value if the key's cas is still cas (0: unconditionally); conflict
	// reports a lost race.
	set(key string, value []byte, cas uint32) (conflict bool, err error)
}

// createCas makes a write to a missing key an atomic create: Envoy accepts any cas for a
// missing key and refuses a cas no live key carries once another worker created it (the
// same reasoning as sdkwrap/counter's).
const createCas = 0xFFFFFFFF

type hostShared struct{}

func (hostShared) get(key string) ([]byte, uint32, bool, error) {
	v, cas, err := proxywasm.GetSharedData(key)
	if errors.Is(err, types.ErrorStatusNotFound) {
		return nil, 0, false, nil
	}
	if err != nil {
		return nil, 0, false, err
	}
	return v, cas, true, nil
}

func (hostShared) set(key string, value []byte, cas uint32) (bool, error) {
	err := proxywasm.SetSharedData(key, value, cas)
	if errors.Is(err, types.ErrorStatusCasMismatch) {
		return true, nil
	}
	return false, err
}
