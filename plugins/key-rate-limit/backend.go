package main

import "github.com/aiwasm/aiwasm/sdkwrap/limitkey"

// Where counters live (sdkwrap/limitkey reads backend, failure_mode, max_keys,
// ratelimit_service and redis): shared data under "key-rate-limit/", per-value keys (*,
// regexp, CIDR) in a bounded table per rule_name under "key-rate-limit/t/<rule_name>/",
// Redis keys under "key-rate-limit:".
var names = limitkey.Names{Plugin: "key-rate-limit", ErrorMetric: "key_rate_limit_backend_errors"}
