package main

import (
	"sort"
	"strings"

	"github.com/aiwasm/aiwasm/sdkwrap/config"
)

// Higress's ai-proxy form: provider as an object, or providers (each with an id) and
// activeProviderId. Its fields map onto the same Instance:
//
//	type            -> provider (claude is anthropic, grok is xai)
//	apiTokens       -> api_keys
//	modelMapping    -> model_mapping (object form)
//	protocol        -> "openai" (translated) or "original" (Instance.NativeProtocol)
//	timeout         -> timeout (ms)
//	azureServiceUrl -> override.endpoint (type azure)
//	openaiCustomUrl -> override.endpoint (type openai; the scheme may be left out)
//
// and cluster, aiwasm's own, is accepted too. Any other Higress field is refused: silently
// ignoring, say, a failover or a context setting would run something else than the
// operator configured.

// higressFields are the provider fields the Higress form accepts.
var higressFields = map[string]bool{
	"id": true, "type": true, "apiTokens": true, "modelMapping": true, "protocol": true,
	"timeout": true, "azureServiceUrl": true, "openaiCustomUrl": true, "cluster": true,
	"qwenEnableCompatible": true,
}

// higressHints complete the refusal of a few fields with what to write instead.
var higressHints = map[string]string{
	"apiToken":       `; write apiTokens: ["..."]`,
	"failover":       "; api keys that fail cool down by themselves (see README: Key rotation)",
	"retryOnFailure": "; write the multi form's instances and fallback_strategy",
	"customSettings": "; write the APISIX form's options (forced) or defaults (filled when missing)",
}

// readHigress reads the Higress form. It reports false when the scope has no active
// provider: Higress then leaves requests alone, and so does this plugin.
func (p *parser) readHigress(r *config.Reader, c *Config, providerObject bool) bool {
	for _, k := range append(append([]string(nil), instanceFields...), multiOnlyFields...) {
		if r.Has(k) {
			r.Failf(k, "not with Higress's provider object or providers; see README: Higress mapping")
		}
	}
	c.MaxAttempts = 1
	if providerObject {
		for _, k := range []string{"providers", "activeProviderId"} {
			if r.Has(k) {
				r.Failf(k, "not with a provider object: write either provider, or providers with activeProviderId")
			}
		}
		var in *Instance
		r.Object("provider", func(o *config.Reader) { in = p.readHigressProvider(o, c) })
		if in != nil {
			c.Instances = []*Instance{in}
		}
		return true
	}
	if r.Has("provider") {
		r.Failf("provider", "with providers, choose the provider with activeProviderId")
	}
	active := r.String("activeProviderId", "", config.NonEmpty())
	ids := map[string]int{}
	var chosen *Instance
	r.Array("providers", func(i int, o *config.Reader) {
		id := o.String("id", "", config.Required(), config.NonEmpty())
		if j, dup := ids[id]; dup && id != "" {
			o.Failf("id", "%q repeats providers[%d]", clip(id), j)
		}
		ids[id] = i
		in := p.readHigressProvider(o, c)
		if id != "" && id == active {
			chosen = in
		}
	}, config.Required(), config.NonEmpty())
	switch {
	case active == "":
		if !r.Has("activeProviderId") && (r.Path() != "" || !hasKey(r, "_rules_")) {
			r.Warnf("providers", "no activeProviderId: requests pass untouched")
		}
		return false
	case chosen == nil && len(ids) > 0:
		known := make([]string, 0, len(ids))
		for id := range ids {
			known = append(known, id)
		}
		r.Failf("activeProviderId", "no provider has id %q (ids: %s)", clip(active), quoteAll(sorted(known)))
		return false
	}
	if chosen != nil {
		c.Instances = []*Instance{chosen}
	}
	return true
}

// readHigressProvider reads one Higress provider object.
func (p *parser) readHigressProvider(o *config.Reader, c *Config) *Instance {
	for _, k := range o.Keys() {
		if !higressFields[k] && !strings.HasPrefix(k, "_") {
			o.Has(k)
			o.Failf(k, "not supported by aiwasm's ai-proxy; see README: Higress mapping%s", higressHints[k])
		}
	}
	in := &Instance{Weight: 1}
	in.Preset = readProvider(o, "type")
	in.Name = o.String("id", "", config.NonEmpty())
	if in.Name != "" {
		checkName(o, "id", in.Name)
	} else if in.Preset != nil {
		in.Name = in.Preset.Name
	}
	if keys := readAPIKeys(o, "apiTokens"); len(keys) > 0 {
		in.keys = newKeyRing(in.Name, keys)
	}
	in.Models = p.readModelMapping(o, "modelMapping", false)
	in.NativeProtocol = o.Enum("protocol", "openai", "openai", "original") == "original"
	in.Timeout = millis(o.Int("timeout", int(c.Timeout.Milliseconds()), config.Min(1), config.Max(maxTimeoutMs)))
	if o.Has("qwenEnableCompatible") && (!o.Bool("qwenEnableCompatible", true) || in.Preset != presetNamed("qwen")) {
		o.Failf("qwenEnableCompatible", "the qwen preset always uses DashScope's compatible mode: write true, with type qwen, or leave it out")
	}

	var up upstream
	given, ok := false, false
	field := ""
	for _, f := range []struct{ key, types string }{{"azureServiceUrl", "azure"}, {"openaiCustomUrl", "openai or openai-compatible"}} {
		raw := o.String(f.key, "", config.NonEmpty())
		if !o.Has(f.key) {
			continue
		}
		if in.Preset != nil && !contains(strings.Split(f.types, " or "), in.Preset.Name) {
			o.Failf(f.key, "only with type %s", f.types)
			continue
		}
		if given {
			o.Failf(f.key, "set together with %s", field)
			continue
		}
		given, field = true, f.key
		if raw == "" || in.Preset == nil {
			continue
		}
		if f.key == "openaiCustomUrl" && !strings.Contains(raw, "://") {
			raw = "https://" + raw // Higress's examples leave the scheme out
		}
		var reason string
		if up, reason = parseEndpoint(raw, in.Preset); reason != "" {
			o.Failf(f.key, "%s", reason)
		} else {
			ok = true
		}
	}
	requiredAt := config.JoinKey(o.Path(), "openaiCustomUrl")
	if in.Preset != nil && in.Preset.Protocol == ProtocolAzure {
		requiredAt = config.JoinKey(o.Path(), "azureServiceUrl")
	}
	p.resolveUpstream(o, in, up, given, ok, field, requiredAt)
	return in
}

func hasKey(r *config.Reader, key string) bool {
	for _, k := range r.Keys() {
		if k == key {
			return true
		}
	}
	return false
}

func sorted(s []string) []string {
	sort.Strings(s)
	return s
}
