package wasmhost

import (
	"fmt"
	"sort"
	"strings"

	"github.com/tetratelabs/wazero/api"
)

// envoyImports lists every function Envoy 1.39 provides to a Wasm module, by import module.
//
// Source: proxy-wasm-cpp-host as pinned by Envoy 1.39.0 (bazel/repository_locations.bzl), file
// src/wasm.cc / include/proxy-wasm/exports.h: the "env" functions registered for ABI 0.1.0 to
// 0.2.1, and the WASI preview1 functions it implements for real or as stubs; the WASI set grew
// to include sched_yield, poll_oneoff and fd_fdstat_set_flags in cpp-host PR #533 (Envoy PR
// #45756), which is why Go wasip1 modules need Envoy >= 1.39.
var envoyImports = map[string][]string{
	"env": {
		"proxy_log", "proxy_get_log_level", "proxy_get_current_time_nanoseconds",
		"proxy_set_tick_period_milliseconds", "proxy_get_property", "proxy_set_property",
		"proxy_send_local_response", "proxy_get_shared_data", "proxy_set_shared_data",
		"proxy_register_shared_queue", "proxy_resolve_shared_queue", "proxy_dequeue_shared_queue",
		"proxy_enqueue_shared_queue", "proxy_get_header_map_value", "proxy_add_header_map_value",
		"proxy_replace_header_map_value", "proxy_remove_header_map_value",
		"proxy_get_header_map_pairs", "proxy_set_header_map_pairs", "proxy_get_header_map_size",
		"proxy_get_buffer_bytes", "proxy_set_buffer_bytes", "proxy_get_buffer_status",
		"proxy_continue_stream", "proxy_close_stream", "proxy_continue_request",
		"proxy_continue_response", "proxy_clear_route_cache", "proxy_http_call",
		"proxy_grpc_call", "proxy_grpc_stream", "proxy_grpc_send", "proxy_grpc_cancel",
		"proxy_grpc_close", "proxy_call_foreign_function", "proxy_set_effective_context",
		"proxy_done", "proxy_define_metric", "proxy_increment_metric", "proxy_record_metric",
		"proxy_get_metric", "proxy_get_status", "proxy_get_configuration",
		"proxy_send_http_response", "proxy_dispatch_http_call",
	},
	"wasi_snapshot_preview1": {
		"fd_write", "fd_read", "fd_seek", "fd_close", "fd_fdstat_get", "fd_fdstat_set_flags",
		"fd_prestat_get", "fd_prestat_dir_name", "environ_get", "environ_sizes_get", "args_get",
		"args_sizes_get", "clock_time_get", "clock_res_get", "random_get", "proc_exit",
		"path_open", "sched_yield", "poll_oneoff", "fd_filestat_get", "path_filestat_get",
		"fd_readdir", "fd_pread", "fd_pwrite", "fd_tell", "fd_sync",
	},
}

// higressImports are the host functions Higress adds for Redis. Upstream Envoy lacks them: a
// module importing them loads only with WithRedis (the Higress build variant).
var higressImports = map[string][]string{"env": {"proxy_redis_init", "proxy_redis_call"}}

// abiMarkerPrefix starts the name of the export that tells a host which ABI a module speaks.
const abiMarkerPrefix = "proxy_abi_version_"

func allowed(sets ...map[string][]string) map[string]bool {
	ok := map[string]bool{}
	for _, set := range sets {
		for mod, names := range set {
			for _, n := range names {
				ok[mod+"."+n] = true
			}
		}
	}
	return ok
}

var envoyAllowed = allowed(envoyImports)

// CheckEnvoyImports reports the imports of a module that Envoy 1.39 does not provide, and
// whether it exports exactly one proxy-wasm ABI marker. It returns nil for a module Envoy can
// load. higress also allows Higress's Redis functions.
func CheckEnvoyImports(imports []api.FunctionDefinition, exports map[string]api.FunctionDefinition, higress bool) error {
	ok := envoyAllowed
	if higress {
		ok = allowed(envoyImports, higressImports)
	}
	var problems []string
	for _, f := range imports {
		mod, name, _ := f.Import()
		if !ok[mod+"."+name] {
			problems = append(problems, fmt.Sprintf("imports %s.%s, which Envoy 1.39 does not provide", mod, name))
		}
	}
	var markers []string
	for name := range exports {
		if strings.HasPrefix(name, abiMarkerPrefix) {
			markers = append(markers, name)
		}
	}
	sort.Strings(markers)
	switch {
	case len(markers) == 0:
		problems = append(problems, "exports no proxy_abi_version_* marker: not a proxy-wasm module")
	case len(markers) > 1:
		problems = append(problems, fmt.Sprintf("exports %d ABI markers %v; Envoy wants exactly one", len(markers), markers))
	}
	if len(problems) == 0 {
		return nil
	}
	return fmt.Errorf("%s", strings.Join(problems, "; "))
}
