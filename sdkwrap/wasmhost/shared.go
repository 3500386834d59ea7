package wasmhost

import "sync"

// SharedData is proxy-wasm shared data and shared queues as one Envoy process keeps them for one
// vm_id: every worker VM sees the same keys. Writes follow Envoy's compare-and-swap rules: each
// write gives the key a new cas; a write with cas 0 always succeeds, any other cas must match
// the key's current one.
type SharedData struct {
	mu      sync.Mutex
	entries map[string]sharedEntry
	nextCas uint32
	queues  map[uint32]*sharedQueue
	byName  map[string]uint32
	nextQID uint32
}

type sharedEntry struct {
	value []byte
	cas   uint32
}

type sharedQueue struct {
	name  string
	items [][]byte
	owner *vm    // the VM whose root context registered it and is told of new items
	root  uint32 // that root context
}

// NewSharedData returns an empty store.
func NewSharedData() *SharedData {
	return &SharedData{entries: map[string]sharedEntry{}, queues: map[uint32]*sharedQueue{}, byName: map[string]uint32{}}
}

// Get returns a key's value and cas, for tests to inspect what plugins stored.
func (s *SharedData) Get(key string) (value []byte, cas uint32, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.entries[key]
	return append([]byte(nil), e.value...), e.cas, ok
}

// Set writes a key unconditionally, as a test fixture.
func (s *SharedData) Set(key string, value []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextCas++
	s.entries[key] = sharedEntry{value: append([]byte(nil), value...), cas: s.nextCas}
}

// Len is the number of keys stored.
func (s *SharedData) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.entries)
}

func (s *SharedData) get(key string) (sharedEntry, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.entries[key]
	return e, ok
}

func (s *SharedData) set(key string, value []byte, cas uint32) status {
	s.mu.Lock()
	defer s.mu.Unlock()
	// As in Envoy, a cas is checked only against an existing key: a missing key is created
	// whatever the cas, so there is no atomic create-if-absent (seed keys before racing on them).
	if e, ok := s.entries[key]; ok && cas != 0 && e.cas != cas {
		return statusCasMismatch
	}
	s.nextCas++
	if s.nextCas == 0 { // 0 means "no cas" on the wire
		s.nextCas = 1
	}
	s.entries[key] = sharedEntry{value: append([]byte(nil), value...), cas: s.nextCas}
	return statusOK
}

func (s *SharedData) registerQueue(name string, owner *vm, root uint32) uint32 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id, ok := s.byName[name]; ok {
		q := s.queues[id]
		q.owner, q.root = owner, root
		return id
	}
	s.nextQID++
	s.byName[name] = s.nextQID
	s.queues[s.nextQID] = &sharedQueue{name: name, owner: owner, root: root}
	return s.nextQID
}

func (s *SharedData) resolveQueue(name string) (uint32, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.byName[name]
	return id, ok
}

func (s *SharedData) enqueue(id uint32, item []byte) (*sharedQueue, status) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q, ok := s.queues[id]
	if !ok {
		return nil, statusNotFound
	}
	q.items = append(q.items, append([]byte(nil), item...))
	return q, statusOK
}

func (s *SharedData) dequeue(id uint32) ([]byte, status) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q, ok := s.queues[id]
	if !ok {
		return nil, statusNotFound
	}
	if len(q.items) == 0 {
		return nil, statusEmpty
	}
	item := q.items[0]
	q.items = q.items[1:]
	return item, statusOK
}
