package wasmhost

import (
	"bufio"
	"bytes"
	"errors"
	"net"
	"sync"
	"time"

	"github.com/aiwasm/aiwasm/sdkwrap/resp"
)

// Higress's Redis host functions (Module option WithRedis): the plugin names a cluster, sends
// a RESP-encoded command, and gets the raw RESP reply in buffer 9 during
// proxy_on_redis_call_response(root_context, token, status, size). Every cluster is served by
// the one real Redis given to WithRedis.
var redisFuncs = []hostFunc{
	{"proxy_redis_init", 7, -1, func(v *vm, p []uint64) status {
		cluster, ok1 := v.readString(p[0], p[1])
		user, ok2 := v.readString(p[2], p[3])
		pass, ok3 := v.readString(p[4], p[5])
		if !ok1 || !ok2 || !ok3 {
			return statusInvalidMemoryAccess
		}
		v.plugin.redisClients().init(cluster, user, pass, time.Duration(p[6])*time.Millisecond)
		return statusOK
	}},
	{"proxy_redis_call", 5, -1, func(v *vm, p []uint64) status {
		cluster, ok1 := v.readString(p[0], p[1])
		query, ok2 := v.read(p[2], p[3])
		if !ok1 || !ok2 {
			return statusInvalidMemoryAccess
		}
		client := v.plugin.redisClients().get(cluster)
		if client == nil {
			return statusBadArgument // proxy_redis_init was not called for this cluster
		}
		token := v.plugin.nextCallID.Add(1)
		if !v.writeU32(p[4], token) {
			return statusInvalidMemoryAccess
		}
		query = append([]byte(nil), query...)
		root := v.rootID
		v.post(func() error {
			reply, err := client.do(query)
			return v.redisReply(root, token, reply, err)
		})
		return statusOK
	}},
}

// redisReply delivers a reply (or a failure, status 1) to the plugin's root context.
func (v *vm) redisReply(root, token uint32, reply []byte, callErr error) (err error) {
	v.enter()
	defer v.leaveWith(&err)
	st := uint64(0)
	if callErr != nil {
		st, reply = 1, nil
		v.plugin.addLog(LogLine{Level: LevelDebug, Message: "wasmhost: redis call failed: " + callErr.Error(), ContextID: root, Worker: v.index})
	}
	v.redisResponse = reply
	if v.redisResponse == nil {
		v.redisResponse = []byte{}
	}
	defer func() { v.redisResponse = nil }()
	_, err = v.callOn(root, "proxy_on_redis_call_response", v.exports.redisCallResponse,
		uint64(root), uint64(token), st, uint64(len(reply)))
	return err
}

type redisClients struct {
	addr    string
	mu      sync.Mutex
	clients map[string]*redisClient
}

func (p *Plugin) redisClients() *redisClients {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.redis == nil {
		p.redis = &redisClients{addr: p.module.opts.redisAddr, clients: map[string]*redisClient{}}
	}
	return p.redis
}

func (r *redisClients) init(cluster, user, pass string, timeout time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if old := r.clients[cluster]; old != nil {
		old.close()
	}
	if timeout <= 0 {
		timeout = time.Second
	}
	r.clients[cluster] = &redisClient{addr: r.addr, user: user, pass: pass, timeout: timeout}
}

func (r *redisClients) get(cluster string) *redisClient {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.clients[cluster]
}

func (r *redisClients) close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range r.clients {
		c.close()
	}
}

// redisClient is one connection, opened on first use, re-opened after an error.
type redisClient struct {
	addr, user, pass string
	timeout          time.Duration

	mu   sync.Mutex
	conn net.Conn
	rd   *bufio.Reader
}

func (c *redisClient) do(query []byte) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conn == nil {
		if err := c.connect(); err != nil {
			return nil, err
		}
	}
	reply, err := c.roundTrip(query)
	if err != nil {
		c.conn.Close()
		c.conn = nil
	}
	return reply, err
}

func (c *redisClient) connect() error {
	conn, err := net.DialTimeout("tcp", c.addr, c.timeout)
	if err != nil {
		return err
	}
	c.conn, c.rd = conn, bufio.NewReader(conn)
	if c.pass != "" {
		args := []string{"AUTH", c.pass}
		if c.user != "" {
			args = []string{"AUTH", c.user, c.pass}
		}
		reply, err := c.roundTrip(resp.Encode(args...))
		if err == nil && bytes.HasPrefix(reply, []byte("-")) {
			err = errors.New("redis AUTH refused")
		}
		if err != nil {
			conn.Close()
			c.conn = nil
			return err
		}
	}
	return nil
}

func (c *redisClient) roundTrip(query []byte) ([]byte, error) {
	if err := c.conn.SetDeadline(time.Now().Add(c.timeout)); err != nil {
		return nil, err
	}
	if _, err := c.conn.Write(query); err != nil {
		return nil, err
	}
	var out []byte
	if err := resp.Read(c.rd, &out); err != nil {
		return nil, err
	}
	return out, nil
}

func (c *redisClient) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conn != nil {
		c.conn.Close()
		c.conn = nil
	}
}
