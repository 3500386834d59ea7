package counter

import (
	"errors"

	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm"
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"
)

// sharedStore is the part of proxy-wasm shared data Local needs; tests put a racing fake in
// its place. Keys and values passed in are valid only during the call (the host copies them).
type sharedStore interface {
	// get returns a key's value and cas; found is false for a missing key.
	get(key string) (value []byte, cas uint32, found bool, err error)
	// set writes value if the key's cas is still cas; conflict reports a lost race.
	set(key string, value []byte, cas uint32) (conflict bool, err error)
}

// createCas is the cas Local writes a key with when it found none. Envoy (proxy-wasm-cpp-host
// SharedData::set) has no create-if-absent: a write to a missing key succeeds whatever its
// cas, cas 0 overwrites unconditionally, and any other cas must match the key's. So a
// non-zero cas that no live key carries is an atomic create: if another worker created the
// key in between, the write fails with CasMismatch and the loop re-reads. Envoy hands out cas
// values from one process-wide counter starting at 1 (0 is skipped), so 0xFFFFFFFF is first
// given out after 2^32−1 writes; only the one key written at that instant could match it, and
// then one racing first write would be lost - a risk we accept.
const createCas = 0xFFFFFFFF

// hostStore is the host's shared data.
type hostStore struct{}

func (hostStore) get(key string) ([]byte, uint32, bool, error) {
	value, cas, err := proxywasm.GetSharedData(key)
	if errors.Is(err, types.ErrorStatusNotFound) {
		return nil, 0, false, nil
	}
	if err != nil {
		return nil, 0, false, err
	}
	return value, cas, true, nil
}

func (hostStore) set(key string, value []byte, cas uint32) (bool, error) {
	err := proxywasm.SetSharedData(key, value, cas)
	if errors.Is(err, types.ErrorStatusCasMismatch) {
		return true, nil
	}
	return false, err
}
