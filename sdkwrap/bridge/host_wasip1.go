//go:build wasip1

package bridge

// host mirrors the SDK's internal.ProxyWasmHost interface method for method: the same names in
// the same order, the same parameter layout, with the SDK's uint32 enums (LogLevel, MapType,
// BufferType, StreamType, MetricType, Status) spelled as uint32. The SDK calls it through an
// interface value built from sdkHost (see register_wasip1.go), so the two method tables must
// stay identical; the wasm tests fail if a future SDK changes them.
type host struct{}

func (host) ProxyLog(level uint32, msg *byte, msgSize int) uint32 {
	return hostLog(level, bytesOf(msg), uint32(msgSize))
}

func (host) ProxySetProperty(path *byte, pathSize int, value *byte, valueSize int) uint32 {
	return hostSetProperty(bytesOf(path), uint32(pathSize), bytesOf(value), uint32(valueSize))
}

func (host) ProxyGetProperty(path *byte, pathSize int, ret **byte, retLen *int) uint32 {
	st := hostGetProperty(bytesOf(path), uint32(pathSize), &retData, &retSize)
	takeReturned(ret, retLen)
	return st
}

func (host) ProxySendLocalResponse(status uint32, details *byte, detailsSize int, body *byte, bodySize int, headers *byte, headersSize int, grpcStatus int32) uint32 {
	return hostSendLocalResponse(status, bytesOf(details), uint32(detailsSize), bytesOf(body), uint32(bodySize), bytesOf(headers), uint32(headersSize), grpcStatus)
}

func (host) ProxyGetSharedData(key *byte, keySize int, ret **byte, retLen *int, cas *uint32) uint32 {
	st := hostGetSharedData(bytesOf(key), uint32(keySize), &retData, &retSize, cas)
	takeReturned(ret, retLen)
	return st
}

func (host) ProxySetSharedData(key *byte, keySize int, value *byte, valueSize int, cas uint32) uint32 {
	return hostSetSharedData(bytesOf(key), uint32(keySize), bytesOf(value), uint32(valueSize), cas)
}

func (host) ProxyRegisterSharedQueue(name *byte, nameSize int, id *uint32) uint32 {
	return hostRegisterSharedQueue(bytesOf(name), uint32(nameSize), id)
}

func (host) ProxyResolveSharedQueue(vmID *byte, vmIDSize int, name *byte, nameSize int, id *uint32) uint32 {
	return hostResolveSharedQueue(bytesOf(vmID), uint32(vmIDSize), bytesOf(name), uint32(nameSize), id)
}

func (host) ProxyDequeueSharedQueue(queueID uint32, ret **byte, retLen *int) uint32 {
	st := hostDequeueSharedQueue(queueID, &retData, &retSize)
	takeReturned(ret, retLen)
	return st
}

func (host) ProxyEnqueueSharedQueue(queueID uint32, value *byte, valueSize int) uint32 {
	return hostEnqueueSharedQueue(queueID, bytesOf(value), uint32(valueSize))
}

func (host) ProxyGetHeaderMapValue(mapType uint32, key *byte, keySize int, ret **byte, retLen *int) uint32 {
	st := hostGetHeaderMapValue(mapType, bytesOf(key), uint32(keySize), &retData, &retSize)
	takeReturned(ret, retLen)
	return st
}

func (host) ProxyAddHeaderMapValue(mapType uint32, key *byte, keySize int, value *byte, valueSize int) uint32 {
	return hostAddHeaderMapValue(mapType, bytesOf(key), uint32(keySize), bytesOf(value), uint32(valueSize))
}

func (host) ProxyReplaceHeaderMapValue(mapType uint32, key *byte, keySize int, value *byte, valueSize int) uint32 {
	return hostReplaceHeaderMapValue(mapType, bytesOf(key), uint32(keySize), bytesOf(value), uint32(valueSize))
}

func (host) ProxyContinueStream(streamType uint32) uint32 { return hostContinueStream(streamType) }

func (host) ProxyCloseStream(streamType uint32) uint32 { return hostCloseStream(streamType) }

func (host) ProxyRemoveHeaderMapValue(mapType uint32, key *byte, keySize int) uint32 {
	return hostRemoveHeaderMapValue(mapType, bytesOf(key), uint32(keySize))
}

func (host) ProxyGetHeaderMapPairs(mapType uint32, ret **byte, retLen *int) uint32 {
	st := hostGetHeaderMapPairs(mapType, &retData, &retSize)
	takeReturned(ret, retLen)
	return st
}

func (host) ProxySetHeaderMapPairs(mapType uint32, data *byte, size int) uint32 {
	return hostSetHeaderMapPairs(mapType, bytesOf(data), uint32(size))
}

func (host) ProxyGetBufferBytes(bufferType uint32, start int, maxSize int, ret **byte, retLen *int) uint32 {
	st := hostGetBufferBytes(bufferType, uint32(start), uint32(maxSize), &retData, &retSize)
	takeReturned(ret, retLen)
	return st
}

func (host) ProxySetBufferBytes(bufferType uint32, start int, maxSize int, data *byte, size int) uint32 {
	return hostSetBufferBytes(bufferType, uint32(start), uint32(maxSize), bytesOf(data), uint32(size))
}

func (host) ProxyHttpCall(upstream *byte, upstreamSize int, headers *byte, headersSize int, body *byte, bodySize int, trailers *byte, trailersSize int, timeout uint32, calloutID *uint32) uint32 {
	return hostHttpCall(bytesOf(upstream), uint32(upstreamSize), bytesOf(headers), uint32(headersSize),
		bytesOf(body), uint32(bodySize), bytesOf(trailers), uint32(trailersSize), timeout, calloutID)
}

func (host) ProxyCallForeignFunction(name *byte, nameSize int, param *byte, paramSize int, ret **byte, retLen *int) uint32 {
	st := hostCallForeignFunction(bytesOf(name), uint32(nameSize), bytesOf(param), uint32(paramSize), &retData, &retSize)
	takeReturned(ret, retLen)
	return st
}

func (host) ProxySetTickPeriodMilliseconds(period uint32) uint32 {
	return hostSetTickPeriodMilliseconds(period)
}

func (host) ProxySetEffectiveContext(contextID uint32) uint32 {
	effectiveContext = contextID
	return hostSetEffectiveContext(contextID)
}

func (host) ProxyDone() uint32 { return hostDone() }

func (host) ProxyDefineMetric(metricType uint32, name *byte, nameSize int, id *uint32) uint32 {
	return hostDefineMetric(metricType, bytesOf(name), uint32(nameSize), id)
}

func (host) ProxyIncrementMetric(metricID uint32, offset int64) uint32 {
	return hostIncrementMetric(metricID, offset)
}

func (host) ProxyRecordMetric(metricID uint32, value uint64) uint32 {
	return hostRecordMetric(metricID, value)
}

func (host) ProxyGetMetric(metricID uint32, value *uint64) uint32 {
	return hostGetMetric(metricID, value)
}
