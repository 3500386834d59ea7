// Package rules gives a plugin per-route, per-domain and per-service configuration in the
// format Higress generates from WasmPlugin.matchRules: the plugin config may carry a
// _rules_ list, each entry with matchers and its own config keys.
//
//	set, warnings, err := rules.Compile(raw, parseConfig) // at configure time
//	cfg := set.Match(rules.Request{Route: route, Service: cluster, Domain: authority})
//
// Decisions, the same for every plugin (README.md has the format and examples):
//
//   - Merge. A rule's config is the global config (every top-level key but _rules_) with
//     the rule's own keys laid over it, top-level keys only: a nested object in the rule
//     replaces the global one whole, and a key set to null falls back to the plugin's
//     default. Each merged config is validated at configure time, as a whole, by the
//     plugin's parse function. (Higress's Go SDK parses a rule on its own unless the
//     plugin merges itself; a rule here never needs to repeat the global settings.)
//   - Precedence. The first rule that matches, in _rules_ order, wins, as in Higress. A
//     request no rule matches gets the global config. When the config has rules and no
//     global part (no top-level key outside the reserved '_' ones), such a request gets
//     nil: the plugin lets it pass. Without _rules_, even {} is a global config.
//   - Matchers. _match_route_ lists route names, _match_route_prefix_ route-name
//     prefixes, _match_service_ upstream clusters ("fqdn" or "fqdn:port" of an
//     Istio-style cluster name, the whole name of any other), _match_domain_ host
//     patterns ("a.example.com", "*.example.com", "example.*", "*"; ASCII
//     case-insensitive; the request's port is ignored). A rule with several kinds
//     matches only requests that match each kind (Higress does so for route and service,
//     and picks one kind for other mixes). A rule without a matcher, an empty name, a
//     misplaced '*', a port in a domain pattern, and an unknown _match_* key are
//     configure-time errors at "_rules_[i]...".
//
// Match costs a few map lookups and short scans, with no allocation: everything is
// prepared at Compile.
package rules
