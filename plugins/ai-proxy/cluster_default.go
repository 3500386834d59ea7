//go:build !higress

package main

// defaultCluster is the Envoy cluster of an instance whose configuration names none. In the
// default build that is the preset's cluster (envoy/gateway.yaml defines openai, anthropic,
// gemini and deepseek), also for an endpoint on the preset's own host and port; any other
// endpoint needs a cluster named, since Envoy can only reach hosts it has a cluster for.
// endpointField names the field the endpoint came from, "" when there is none. The reason
// is "" on success.
func defaultCluster(p *Preset, up upstream, endpointField string) (string, string) {
	if endpointField == "" || (up.host == p.host && up.port == p.port && p.Cluster != "") {
		return p.Cluster, ""
	}
	return "", "missing: " + endpointField + " points at " + up.authority +
		"; name the Envoy cluster that reaches it (the higress build derives Higress's own name)"
}
