package wasmhost

import (
	"time"
)

// Host functions for logging, properties, shared data, queues, metrics, time and contexts.
var logAndStateFuncs = []hostFunc{
	{"proxy_log", 3, -1, func(v *vm, p []uint64) status {
		msg, ok := v.readString(p[1], p[2])
		if !ok {
			return statusInvalidMemoryAccess
		}
		v.plugin.addLog(LogLine{Level: LogLevel(p[0]), Message: msg, ContextID: v.active, Worker: v.index})
		return statusOK
	}},
	{"proxy_get_log_level", 1, -1, func(v *vm, p []uint64) status {
		if !v.writeU32(p[0], uint32(v.plugin.opts.logLevel)) {
			return statusInvalidMemoryAccess
		}
		return statusOK
	}},
	{"proxy_get_current_time_nanoseconds", 1, -1, func(v *vm, p []uint64) status {
		if !v.mem.WriteUint64Le(uint32(p[0]), uint64(v.plugin.clock.Now().UnixNano())) {
			return statusInvalidMemoryAccess
		}
		return statusOK
	}},
	{"proxy_set_tick_period_milliseconds", 1, -1, func(v *vm, p []uint64) status {
		v.tickPeriod = time.Duration(p[0]) * time.Millisecond
		v.nextTick = v.plugin.clock.Now().Add(v.tickPeriod)
		return statusOK
	}},
	{"proxy_get_property", 4, -1, func(v *vm, p []uint64) status {
		path, ok := v.readString(p[0], p[1])
		if !ok {
			return statusInvalidMemoryAccess
		}
		val, found := v.property(path)
		if !found {
			return statusNotFound
		}
		return v.returnData(val, p[2], p[3])
	}},
	{"proxy_set_property", 4, -1, func(v *vm, p []uint64) status {
		path, ok1 := v.readString(p[0], p[1])
		val, ok2 := v.read(p[2], p[3])
		if !ok1 || !ok2 {
			return statusInvalidMemoryAccess
		}
		if s := v.stream(); s != nil {
			s.props[path] = append([]byte(nil), val...)
		} else {
			v.plugin.opts.properties[path] = append([]byte(nil), val...)
		}
		return statusOK
	}},
	{"proxy_get_shared_data", 5, -1, func(v *vm, p []uint64) status {
		key, ok := v.readString(p[0], p[1])
		if !ok {
			return statusInvalidMemoryAccess
		}
		e, found := v.plugin.shared.get(key)
		if !found {
			return statusNotFound
		}
		if st := v.returnData(e.value, p[2], p[3]); st != statusOK {
			return st
		}
		if !v.writeU32(p[4], e.cas) {
			return statusInvalidMemoryAccess
		}
		return statusOK
	}},
	{"proxy_set_shared_data", 5, -1, func(v *vm, p []uint64) status {
		key, ok1 := v.readString(p[0], p[1])
		val, ok2 := v.read(p[2], p[3])
		if !ok1 || !ok2 {
			return statusInvalidMemoryAccess
		}
		return v.plugin.shared.set(key, val, uint32(p[4]))
	}},
	{"proxy_register_shared_queue", 3, -1, func(v *vm, p []uint64) status {
		name, ok := v.readString(p[0], p[1])
		if !ok {
			return statusInvalidMemoryAccess
		}
		id := v.plugin.shared.registerQueue(name, v, v.rootID)
		if !v.writeU32(p[2], id) {
			return statusInvalidMemoryAccess
		}
		return statusOK
	}},
	{"proxy_resolve_shared_queue", 5, -1, func(v *vm, p []uint64) status {
		name, ok := v.readString(p[2], p[3]) // the vm_id (p[0], p[1]) is this store's
		if !ok {
			return statusInvalidMemoryAccess
		}
		id, found := v.plugin.shared.resolveQueue(name)
		if !found {
			return statusNotFound
		}
		if !v.writeU32(p[4], id) {
			return statusInvalidMemoryAccess
		}
		return statusOK
	}},
	{"proxy_dequeue_shared_queue", 3, -1, func(v *vm, p []uint64) status {
		item, st := v.plugin.shared.dequeue(uint32(p[0]))
		if st != statusOK {
			return st
		}
		return v.returnData(item, p[1], p[2])
	}},
	{"proxy_enqueue_shared_queue", 3, -1, func(v *vm, p []uint64) status {
		item, ok := v.read(p[1], p[2])
		if !ok {
			return statusInvalidMemoryAccess
		}
		id := uint32(p[0])
		q, st := v.plugin.shared.enqueue(id, item)
		if st != statusOK {
			return st
		}
		owner, root := q.owner, q.root
		v.post(func() error { return owner.queueReady(root, id) })
		return statusOK
	}},
	{"proxy_define_metric", 4, -1, func(v *vm, p []uint64) status {
		name, ok := v.readString(p[1], p[2])
		if !ok {
			return statusInvalidMemoryAccess
		}
		id, st := v.plugin.defineMetric(MetricType(p[0]), name)
		if st == statusOK && !v.writeU32(p[3], id) {
			return statusInvalidMemoryAccess
		}
		return st
	}},
	{"proxy_increment_metric", 2, 1, func(v *vm, p []uint64) status {
		return v.plugin.incrementMetric(uint32(p[0]), int64(p[1]))
	}},
	{"proxy_record_metric", 2, 1, func(v *vm, p []uint64) status {
		return v.plugin.recordMetric(uint32(p[0]), p[1])
	}},
	{"proxy_get_metric", 2, -1, func(v *vm, p []uint64) status {
		val, st := v.plugin.getMetric(uint32(p[0]))
		if st == statusOK && !v.mem.WriteUint64Le(uint32(p[1]), val) {
			return statusInvalidMemoryAccess
		}
		return st
	}},
	{"proxy_set_effective_context", 1, -1, func(v *vm, p []uint64) status {
		id := uint32(p[0])
		if id != v.rootID && v.streams[id] == nil {
			return statusBadArgument
		}
		v.active = id
		return statusOK
	}},
	{"proxy_done", 0, -1, func(v *vm, p []uint64) status { return statusOK }},
	{"proxy_get_configuration", 2, -1, func(v *vm, p []uint64) status {
		return v.returnData(v.pluginConfig, p[0], p[1])
	}},
	{"proxy_get_status", 3, -1, func(v *vm, p []uint64) status {
		code := uint32(0)
		if r := v.callResponse; r != nil {
			code = uint32(r.Status)
		}
		if !v.writeU32(p[0], code) {
			return statusInvalidMemoryAccess
		}
		return v.returnData(nil, p[1], p[2])
	}},
	{"proxy_call_foreign_function", 6, -1, func(v *vm, p []uint64) status {
		name, ok := v.readString(p[0], p[1])
		if !ok {
			return statusInvalidMemoryAccess
		}
		switch name {
		case "clear_route_cache":
			if s := v.stream(); s != nil {
				s.routeCacheCleared++
			}
			return v.returnData(nil, p[4], p[5])
		}
		return statusNotFound
	}},
}

// queueReady tells a root context that its queue has items.
func (v *vm) queueReady(root, queueID uint32) (err error) {
	v.enter()
	defer v.leaveWith(&err)
	_, err = v.callOn(root, "proxy_on_queue_ready", v.exports.queueReady, uint64(root), uint64(queueID))
	return err
}
