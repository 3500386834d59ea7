package redis

import "time"

// Client sends commands to one Redis cluster. Open makes it.
type Client struct {
	cluster string
	timeout time.Duration
}

// Reply is what a command's callback gets: the raw RESP reply (parse it with resp.Parse), or
// the failure of the call (unreachable, timed out, refused by the host).
type Reply func(reply []byte, err error)

// Cluster is the Envoy cluster the client calls.
func (c *Client) Cluster() string { return c.cluster }
