package main

import "github.com/aiwasm/aiwasm/sdkwrap/limitkey"

// Where counters live (sdkwrap/limitkey reads backend, failure_mode, max_keys,
// ratelimit_service and redis): shared data under "ai-token-ratelimit/", per-value counters
// (keys *, regexp, CIDR; instance budgets per value) in a bounded table per rule_name under
// "ai-token-ratelimit/t/<rule_name>/", Redis keys under "ai-token-ratelimit:".
var names = limitkey.Names{Plugin: "ai-token-ratelimit", ErrorMetric: "ai_token_ratelimit_backend_errors"}
