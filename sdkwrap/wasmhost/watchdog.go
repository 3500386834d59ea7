package wasmhost

import "time"

// startWatchdog stops guests that never return. Every call timeout it looks at each worker:
// one still inside the same callback as at the previous look has run for at least the
// timeout, and its context is cancelled, which makes wazero abort the call (the runtime is
// built with CloseOnContextDone). The per-call cost is one counter increment and a flag.
func (p *Plugin) startWatchdog() {
	limit := p.module.opts.callTimeout
	if limit <= 0 || len(p.workers) == 0 {
		return
	}
	stop := make(chan struct{})
	p.stopWatchdog = stop
	workers := append([]*vm(nil), p.workers...)
	go func() {
		seen := make([]uint64, len(workers))
		ticker := time.NewTicker(limit)
		defer ticker.Stop()
		for {
			select {
			case <-stop:
				return
			case <-ticker.C:
			}
			for i, v := range workers {
				n := v.calls.Load()
				if v.inCall.Load() && n == seen[i] {
					v.overran.Store(true)
					v.cancel()
				}
				seen[i] = n
			}
		}
	}()
}
