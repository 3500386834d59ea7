package wasmhost

import (
	"fmt"
	"strings"
)

// LogLine is one line a plugin logged with proxy_log.
type LogLine struct {
	Level     LogLevel
	Message   string
	ContextID uint32 // the effective context when it was logged
	Worker    int
}

func (l LogLine) String() string { return fmt.Sprintf("[%s] %s", l.Level, l.Message) }

func (p *Plugin) addLog(l LogLine) {
	if l.Level < p.opts.logLevel {
		return
	}
	p.mu.Lock()
	p.logs = append(p.logs, l)
	p.mu.Unlock()
	if w := p.opts.logOutput; w != nil {
		fmt.Fprintf(w, "worker %d ctx %d: %s\n", l.Worker, l.ContextID, l)
	}
}

// Logs returns every line the plugin logged so far, on every worker, in order.
func (p *Plugin) Logs() []LogLine {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]LogLine(nil), p.logs...)
}

// LogsAt returns the lines logged at level or above.
func (p *Plugin) LogsAt(level LogLevel) []LogLine {
	var out []LogLine
	for _, l := range p.Logs() {
		if l.Level >= level {
			out = append(out, l)
		}
	}
	return out
}

// LogContains reports whether any line contains substr.
func (p *Plugin) LogContains(substr string) bool {
	for _, l := range p.Logs() {
		if strings.Contains(l.Message, substr) {
			return true
		}
	}
	return false
}

// ClearLogs forgets the lines captured so far (long benchmarks).
func (p *Plugin) ClearLogs() {
	p.mu.Lock()
	p.logs = nil
	p.mu.Unlock()
}

func (p *Plugin) logCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.logs)
}

func (p *Plugin) logsSince(n int) []LogLine {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n > len(p.logs) {
		n = len(p.logs)
	}
	return append([]LogLine(nil), p.logs[n:]...)
}
