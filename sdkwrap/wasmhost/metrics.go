package wasmhost

// metricSet holds the metrics a plugin defines; one set per plugin, shared by its workers as
// Envoy's stats are shared by its worker threads. Guarded by Plugin.mu.
type metricSet struct {
	byName map[string]uint32
	list   []*metric
}

type metric struct {
	name    string
	kind    MetricType
	value   int64
	records []uint64 // histogram samples
}

func (m *metricSet) init() { m.byName = map[string]uint32{} }

func (p *Plugin) defineMetric(kind MetricType, name string) (uint32, status) {
	if kind > Histogram {
		return 0, statusBadArgument
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if id, ok := p.metrics.byName[name]; ok {
		return id, statusOK
	}
	p.metrics.list = append(p.metrics.list, &metric{name: name, kind: kind})
	id := uint32(len(p.metrics.list)) // ids start at 1
	p.metrics.byName[name] = id
	return id, statusOK
}

func (p *Plugin) metricByID(id uint32) *metric {
	if id == 0 || int(id) > len(p.metrics.list) {
		return nil
	}
	return p.metrics.list[id-1]
}

func (p *Plugin) incrementMetric(id uint32, offset int64) status {
	p.mu.Lock()
	defer p.mu.Unlock()
	m := p.metricByID(id)
	switch {
	case m == nil:
		return statusNotFound
	case m.kind == Counter && offset <= 0, m.kind == Histogram:
		return statusBadArgument // Envoy counters only go up; histograms take records
	}
	m.value += offset
	return statusOK
}

func (p *Plugin) recordMetric(id uint32, value uint64) status {
	p.mu.Lock()
	defer p.mu.Unlock()
	m := p.metricByID(id)
	switch {
	case m == nil:
		return statusNotFound
	case m.kind == Histogram:
		m.records = append(m.records, value)
	default:
		m.value = int64(value)
	}
	return statusOK
}

func (p *Plugin) getMetric(id uint32) (uint64, status) {
	p.mu.Lock()
	defer p.mu.Unlock()
	m := p.metricByID(id)
	switch {
	case m == nil:
		return 0, statusNotFound
	case m.kind == Histogram:
		return 0, statusBadArgument
	}
	return uint64(m.value), statusOK
}

// Metric returns the value of a counter or gauge the plugin defined, by the name it gave.
func (p *Plugin) Metric(name string) (value int64, ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	id, ok := p.metrics.byName[name]
	if !ok {
		return 0, false
	}
	return p.metricByID(id).value, true
}

// HistogramRecords returns every value recorded into a histogram.
func (p *Plugin) HistogramRecords(name string) []uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	id, ok := p.metrics.byName[name]
	if !ok {
		return nil
	}
	return append([]uint64(nil), p.metricByID(id).records...)
}

// MetricNames lists the metrics defined so far.
func (p *Plugin) MetricNames() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]string, len(p.metrics.list))
	for i, m := range p.metrics.list {
		out[i] = m.name
	}
	return out
}
