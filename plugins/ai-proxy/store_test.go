package main

import "sync"

// memStore is shared data in a map with Envoy's CAS rules: every write gets a new cas, cas 0
// writes unconditionally, a write to a missing key succeeds whatever its cas.
type memStore struct {
	mu      sync.Mutex
	values  map[string][]byte
	cas     map[string]uint32
	nextCas uint32
	// beforeSet, when set, runs before each write: a test's racing worker.
	beforeSet func(key string)
}

func newMemStore() *memStore {
	return &memStore{values: map[string][]byte{}, cas: map[string]uint32{}}
}

func (m *memStore) get(key string) ([]byte, uint32, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.values[key]
	return append([]byte(nil), v...), m.cas[key], ok
}

func (m *memStore) set(key string, value []byte, cas uint32) bool {
	if hook := m.beforeSet; hook != nil {
		m.beforeSet = nil // one race per hook
		hook(key)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.values[key]; ok && cas != 0 && m.cas[key] != cas {
		return false
	}
	m.nextCas++
	m.values[key] = append([]byte(nil), value...)
	m.cas[key] = m.nextCas
	return true
}

func (m *memStore) value(key string) string {
	v, _, _ := m.get(key)
	return string(v)
}
