package wasmhost

// Host functions for calls out of the plugin: HTTP calls to clusters, and the gRPC ones this
// host does not emulate (they answer Unimplemented, so a plugin can tell).
var callFuncs = []hostFunc{
	{"proxy_http_call", 10, -1, httpCall},
	{"proxy_dispatch_http_call", 10, -1, httpCall},
	{"proxy_grpc_call", 12, -1, unimplemented},
	{"proxy_grpc_stream", 9, -1, unimplemented},
	{"proxy_grpc_send", 4, -1, unimplemented},
	{"proxy_grpc_cancel", 1, -1, unimplemented},
	{"proxy_grpc_close", 1, -1, unimplemented},
}

func unimplemented(*vm, []uint64) status { return statusUnimplemented }

func httpCall(v *vm, p []uint64) status {
	cluster, ok1 := v.readString(p[0], p[1])
	hdrs, ok2 := v.read(p[2], p[3])
	body, ok3 := v.read(p[4], p[5])
	trls, ok4 := v.read(p[6], p[7])
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return statusInvalidMemoryAccess
	}
	headers, err1 := decodeHeaders(hdrs)
	trailers, err2 := decodeHeaders(trls)
	if err1 != nil || err2 != nil {
		return statusBadArgument
	}
	id, st := v.startHttpCall(cluster, lowered(headers), append([]byte(nil), body...), lowered(trailers), uint32(p[8]))
	if st == statusOK && !v.writeU32(p[9], id) {
		return statusInvalidMemoryAccess
	}
	return st
}
