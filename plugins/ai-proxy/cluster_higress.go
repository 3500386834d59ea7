//go:build higress

package main

import (
	"net"

	"github.com/aiwasm/aiwasm/sdkwrap/cluster"
)

// defaultCluster is the Envoy cluster of an instance whose configuration names none. In the
// higress build it is the name Higress gives a DNS service for the provider's host and port,
// outbound|<port>||<host>.dns (a McpBridge dns registry whose domain is that host). A
// service source named otherwise, or a static IP service, needs cluster set. endpointField
// names the field the endpoint came from, "" when there is none. The reason is "" on
// success.
func defaultCluster(p *Preset, up upstream, endpointField string) (string, string) {
	if net.ParseIP(up.host) != nil || up.host == "localhost" {
		where := endpointField
		if where == "" {
			where = "provider " + p.Name
		}
		return "", "missing: " + where + " points at the address " + up.authority +
			"; Higress names static services after their own name (outbound|<port>||<name>.static): set cluster"
	}
	return cluster.HigressName(up.host, up.port, "dns"), ""
}
