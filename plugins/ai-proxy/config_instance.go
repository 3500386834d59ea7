package main

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/aiwasm/aiwasm/sdkwrap/config"
)

// readInstance reads the fields of one instance in the APISIX forms: at the top level (single
// form) or in an instances entry. name "" names it after its provider. Weight, priority and
// timeout are the multi form's and read there.
func (p *parser) readInstance(e *config.Reader, name string) *Instance {
	in := &Instance{Name: name, Weight: 1}
	in.Preset = readProvider(e, "provider")
	if in.Name == "" && in.Preset != nil {
		in.Name = in.Preset.Name
	}
	keys := readAPIKeys(e, "api_keys")
	authSet := p.readAuth(e, in)
	if len(keys) > 0 && authSet {
		e.Failf("api_keys", "set either api_keys (each key placed where the provider expects it, rotated) or auth (credentials placed as written), not both")
	}
	if len(keys) > 0 {
		in.keys = newKeyRing(in.Name, keys)
	}
	in.Options = p.readBodyFields(e, "options")
	in.Defaults = p.readBodyFields(e, "defaults")
	in.forcedModel = fieldString(in.Options, "model")
	in.defaultModel = fieldString(in.Defaults, "model")
	in.Models = p.readModelMapping(e, "model_mapping", true)
	if in.forcedModel != "" && in.Models != nil {
		e.Warnf("model_mapping", "never used: options.model forces the model")
	}
	in.FirstByteTimeout = millis(e.Int("first_byte_timeout", 0, config.Min(1), config.Max(maxTimeoutMs)))
	if e.Has("provider_conf") {
		e.Failf("provider_conf", "not supported: it configures vertex-ai and bedrock, which aiwasm's ai-proxy does not serve")
	}

	var up upstream
	endpointGiven, endpointOK := false, false
	e.Object("override", func(o *config.Reader) {
		raw := o.String("endpoint", "", config.NonEmpty())
		endpointGiven = o.Has("endpoint")
		if raw != "" && in.Preset != nil {
			var reason string
			if up, reason = parseEndpoint(raw, in.Preset); reason != "" {
				o.Failf("endpoint", "%s", reason)
			} else {
				endpointOK = true
			}
		}
		for _, k := range []string{"llm_options", "request_body", "request_body_force_override"} {
			if o.Has(k) {
				o.Failf(k, "not supported: use options (forced into every body) or defaults (filled where the body lacks them)")
			}
		}
	})
	endpointPath := config.JoinKey(config.JoinKey(e.Path(), "override"), "endpoint")
	p.resolveUpstream(e, in, up, endpointGiven, endpointOK, "override.endpoint", endpointPath)
	return in
}

// resolveUpstream settles where the instance's requests go and through which cluster:
// the endpoint when one was given (endpointOK), else the preset's origin; the cluster field,
// else the build's default (defaultCluster). endpointField names the endpoint's field in
// messages, requiredAt is its path.
func (p *parser) resolveUpstream(e *config.Reader, in *Instance, up upstream, endpointGiven, endpointOK bool, endpointField, requiredAt string) {
	in.Cluster = e.String("cluster", "", config.NonEmpty())
	if in.Preset == nil || (endpointGiven && !endpointOK) {
		return // already refused
	}
	if !endpointOK {
		if in.Preset.Origin == "" {
			p.failAt(requiredAt, "required for provider %s", in.Preset.Name)
			return
		}
		up, endpointField = presetUpstream(in.Preset), ""
	}
	in.up = up
	if e.Has("cluster") {
		return
	}
	cluster, reason := defaultCluster(in.Preset, up, endpointField)
	if reason != "" {
		p.failAt(config.JoinKey(e.Path(), "cluster"), "%s", reason)
	}
	in.Cluster = cluster
}

// providerAliases are other products' names for the presets: APISIX's azure-openai,
// Higress's claude and grok.
var providerAliases = map[string]string{
	"azure-openai": "azure",
	"claude":       "anthropic",
	"grok":         "xai",
}

// unsupportedProviders are providers of APISIX or Higress that aiwasm's ai-proxy does not
// serve; they get a plain "not supported" rather than "unknown".
var unsupportedProviders = map[string]bool{
	"vertex-ai": true, "vertex": true, "bedrock": true, "baidu": true,
	"spark": true, "hunyuan": true, "minimax": true, "cloudflare": true, "baichuan": true,
	"yi": true, "ai360": true, "stepfun": true, "deepl": true, "generic": true,
}

// readProvider reads a provider name at key and returns its preset, nil when refused.
func readProvider(e *config.Reader, key string) *Preset {
	name := e.String(key, "", config.Required(), config.NonEmpty())
	if name == "" {
		return nil
	}
	if alias, ok := providerAliases[name]; ok {
		name = alias
	}
	if p := presetNamed(name); p != nil {
		return p
	}
	if unsupportedProviders[name] {
		e.Failf(key, "provider %q is not supported by aiwasm's ai-proxy (known: %s)", name, presetNames())
		return nil
	}
	msg := "unknown provider " + strconv.Quote(clip(name)) + " (known: " + presetNames() + ")"
	if s := closestPreset(name); s != "" {
		msg += "; did you mean " + strconv.Quote(s) + "?"
	}
	e.Failf(key, "%s", msg)
	return nil
}

// closestPreset is the preset name at most two edits from name, "" if none.
func closestPreset(name string) string {
	names := make([]string, len(presets))
	for i, p := range presets {
		names[i] = p.Name
	}
	return config.Closest(name, names)
}

// readAPIKeys reads a list of API keys at key. Keys are secrets: problems name the entry,
// never its value.
func readAPIKeys(e *config.Reader, key string) []string {
	keys := e.Strings(key, nil, config.NonEmpty())
	seen := map[string]int{}
	for i, k := range keys {
		if strings.TrimSpace(k) == "" {
			e.FailItemf(key, i, "must not be empty")
			continue
		}
		if j, dup := seen[k]; dup {
			e.FailItemf(key, i, "repeats %s[%d]", key, j)
			continue
		}
		seen[k] = i
	}
	return keys
}

// readAuth reads auth: {header: {name: value}, query: {name: value}}, values secret. It
// reports whether auth is set.
func (p *parser) readAuth(e *config.Reader, in *Instance) bool {
	return e.Object("auth", func(a *config.Reader) {
		for _, k := range []string{"gcp", "aws"} {
			if a.Has(k) {
				a.Failf(k, "not supported: aiwasm's ai-proxy serves neither vertex-ai nor bedrock")
			}
		}
		headers := readSecretMap(a, "header")
		query := readSecretMap(a, "query")
		if !a.Has("header") && !a.Has("query") {
			a.Failf("", "set header or query (or leave auth out)")
		}
		for _, h := range headers {
			name := strings.ToLower(h[0])
			if reason := badAuthHeader(name); reason != "" {
				p.failAt(config.JoinKey(config.JoinKey(a.Path(), "header"), h[0]), "%s", reason)
				continue
			}
			in.auth.headers = append(in.auth.headers, [2]string{name, h[1]})
		}
		var q []string
		for _, kv := range query {
			q = append(q, url.QueryEscape(kv[0])+"="+url.QueryEscape(kv[1]))
		}
		in.auth.query = strings.Join(q, "&")
	})
}

// readSecretMap reads an object of secret strings, in document order.
func readSecretMap(r *config.Reader, key string) [][2]string {
	var out [][2]string
	r.Object(key, func(o *config.Reader) {
		for _, name := range o.Keys() {
			if v := o.Secret(name, "", config.NonEmpty()); v != "" {
				out = append(out, [2]string{name, v})
			}
		}
	})
	return out
}

// badAuthHeader says why name cannot carry a credential, "" if it can.
func badAuthHeader(name string) string {
	if name == "" {
		return "an empty header name"
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return "not a valid header name"
		}
	}
	switch name {
	case "host", "content-length", "transfer-encoding", "connection":
		return "Envoy owns this header; it cannot carry a credential"
	}
	return ""
}

// checkName refuses instance names that cannot name shared data and metrics.
func checkName(e *config.Reader, key, name string) {
	if len(name) > 64 {
		e.Failf(key, "at most 64 characters, got %d", len(name))
		return
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			e.Failf(key, "%q: use letters, digits, '-', '_' and '.' only (it names shared data and metrics)", clip(name))
			return
		}
	}
}

// clip shortens a value quoted in a message.
func clip(s string) string {
	if len(s) <= 40 {
		return s
	}
	cut := 40
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + "..."
}
