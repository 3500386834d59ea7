package main

import (
	"net/url"
	"strconv"
	"strings"
)

// upstream is where an instance's requests go: the provider's preset origin, or its
// override.endpoint.
type upstream struct {
	scheme    string
	host      string
	port      int
	authority string // :authority: host, with the port unless it is the scheme's default
	// basePath is prepended to the kind paths. Azure's may hold {deployment}.
	basePath string
	// query is the endpoint's own query (api-version=...), kept on every request.
	query string
	// deployment is Azure's fixed deployment; "" means the deployment is the model.
	deployment string
}

// defaultAzureAPIVersion is the api-version sent to Azure deployment URLs that name none
// (the current GA version of the data-plane API).
const defaultAzureAPIVersion = "2024-10-21"

// presetUpstream is the upstream of a preset used as is.
func presetUpstream(p *Preset) upstream {
	return upstream{scheme: p.scheme, host: p.host, port: p.port, authority: authorityOf(p.scheme, p.host, p.port), basePath: p.BasePath}
}

// parseEndpoint reads an override.endpoint for preset p. The endpoint is a full URL, as in
// APISIX: when its path ends in one of the provider's API paths ("/v1/chat/completions"),
// that request kind goes exactly there and the part before is the base for the other kinds;
// any other path is the base itself ("http://vllm:8000/v1"); no path keeps the preset's base
// path. The reason is "" on success; it never quotes the URL, whose query may hold a key.
func parseEndpoint(raw string, p *Preset) (upstream, string) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "" {
		return upstream{}, "want an absolute http:// or https:// URL"
	}
	if u.User != nil {
		return upstream{}, "credentials in the URL are not supported: use api_keys or auth"
	}
	if u.Port() != "" {
		if n, err := strconv.Atoi(u.Port()); err != nil || n < 1 || n > 65535 {
			return upstream{}, "invalid port"
		}
	}
	up := upstream{scheme: u.Scheme, host: strings.ToLower(u.Hostname()), port: portOf(u), query: u.RawQuery}
	up.authority = authorityOf(up.scheme, up.host, up.port)
	path := strings.TrimSuffix(u.EscapedPath(), "/")
	if p.Protocol == ProtocolAzure {
		return azureEndpoint(up, path)
	}
	switch base, ok := cutKindPath(path, p); {
	case ok:
		up.basePath = base
	case path == "":
		up.basePath = p.BasePath
	default:
		up.basePath = path
	}
	return up, ""
}

// cutKindPath removes the longest of p's kind paths that path ends in; a template's
// placeholder matches anything ("/models/{model}:generateContent").
func cutKindPath(path string, p *Preset) (string, bool) {
	best, found := "", false
	for _, k := range p.Kinds {
		for _, tmpl := range []string{protocolPaths[p.Protocol][k], streamPaths[p.Protocol][k]} {
			tmpl, _, _ = strings.Cut(tmpl, "?")
			if tmpl == "" {
				continue
			}
			var base string
			if lit, _, placeholder := strings.Cut(tmpl, "{"); placeholder {
				i := strings.LastIndex(path, lit)
				if i < 0 {
					continue
				}
				base = path[:i]
			} else if strings.HasSuffix(path, tmpl) {
				base = path[:len(path)-len(tmpl)]
			} else {
				continue
			}
			if !found || len(base) < len(best) {
				best, found = base, true
			}
		}
	}
	return best, found
}

// azureEndpoint reads the Azure OpenAI URL forms:
//   - .../openai/deployments/<deployment>[/<api path>]?api-version=...: that deployment;
//   - .../openai/v1[/<api path>]: the v1 API, model in the body, no api-version needed;
//   - the resource alone (https://<resource>.openai.azure.com): the deployment is the
//     (mapped) model of each request.
//
// Deployment URLs without api-version get defaultAzureAPIVersion.
func azureEndpoint(up upstream, path string) (upstream, string) {
	const deployments = "/openai/deployments/"
	switch {
	case path == "":
		up.basePath = "/openai/deployments/{deployment}"
	case strings.HasPrefix(path, deployments):
		dep, rest, _ := strings.Cut(path[len(deployments):], "/")
		if dep == "" {
			return upstream{}, "no deployment name after /openai/deployments/"
		}
		if rest != "" {
			if base, ok := cutKindPath("/"+rest, presetNamed("azure")); !ok || base != "" {
				return upstream{}, "not an Azure OpenAI API path after the deployment"
			}
		}
		up.deployment = dep
		up.basePath = deployments + dep
	case path == "/openai/v1" || strings.HasPrefix(path, "/openai/v1/"):
		up.basePath = "/openai/v1"
		return up, ""
	default:
		return upstream{}, "not an Azure OpenAI URL: want https://<resource>.openai.azure.com/openai/deployments/<deployment>/..., .../openai/v1, or the resource alone"
	}
	if q, err := url.ParseQuery(up.query); err != nil || q.Get("api-version") == "" {
		if up.query != "" {
			up.query += "&"
		}
		up.query += "api-version=" + defaultAzureAPIVersion
	}
	return up, ""
}

// authorityOf is host[:port] with the port left out when it is the scheme's default.
func authorityOf(scheme, host string, port int) string {
	if strings.Contains(host, ":") {
		host = "[" + host + "]" // IPv6
	}
	if (scheme == "https" && port == 443) || (scheme == "http" && port == 80) {
		return host
	}
	return host + ":" + strconv.Itoa(port)
}
