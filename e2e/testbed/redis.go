package testbed

import (
	"bufio"
	"fmt"
	"net"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/aiwasm/aiwasm/sdkwrap/resp"
)

// Redis is a throw-away redis-server on loopback: no persistence, its files in the run's
// directory.
type Redis struct {
	*Process
	Addr     string
	Password string
}

// StartRedis starts redis-server (Debian's package; `make redis` installs it) on a free port
// and waits until it answers PING. It makes sure the server answering is the one it started,
// not another process that took the port in between, and retries on another port if so.
// args are extra server options such as "--requirepass", "secret"; password is what the
// readiness check authenticates with.
func StartRedis(dir, password string, args ...string) (*Redis, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, fmt.Errorf("redis-server is not on PATH (make redis installs Debian's): %w", err)
	}
	var errs []string
	for attempt := 0; attempt < 3; attempt++ {
		r, err := tryStartRedis(bin, filepath.Join(dir, fmt.Sprintf("redis-%d", attempt)), password, args)
		if err == nil {
			return r, nil
		}
		errs = append(errs, err.Error())
	}
	return nil, fmt.Errorf("redis-server did not come up:\n%s", strings.Join(errs, "\n"))
}

func tryStartRedis(bin, dir, password string, args []string) (*Redis, error) {
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	if err := mkdir(dir); err != nil {
		return nil, err
	}
	argv := append([]string{bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", dir, "--daemonize", "no", "--logfile", ""}, args...)
	p, err := StartProcess("redis-server", filepath.Join(dir, "redis.log"), nil, argv...)
	if err != nil {
		return nil, err
	}
	r := &Redis{Process: p, Addr: hostPort(port), Password: password}
	ours := "process_id:" + strconv.Itoa(p.Pid()) + "\r\n"
	err = p.WaitUntil(10*time.Second, func() error {
		if reply, err := r.Do("PING"); err != nil || reply != "+PONG\r\n" {
			return fmt.Errorf("PING: %q %v", reply, err)
		}
		if info, err := r.Do("INFO", "server"); err != nil || !strings.Contains(info, ours) {
			return errAnotherServer
		}
		return nil
	})
	if err != nil {
		p.Stop(time.Second)
		return nil, err
	}
	return r, nil
}

var errAnotherServer = fmt.Errorf("another server answers on the port")

// Do sends one command over a fresh connection (authenticating first when the server has a
// password) and returns the raw RESP reply.
func (r *Redis) Do(args ...string) (string, error) {
	conn, err := net.DialTimeout("tcp", r.Addr, time.Second)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(2 * time.Second)); err != nil {
		return "", err
	}
	rd := bufio.NewReader(conn)
	roundTrip := func(args ...string) (string, error) {
		if _, err := conn.Write(resp.Encode(args...)); err != nil {
			return "", err
		}
		var out []byte
		err := resp.Read(rd, &out)
		return string(out), err
	}
	if r.Password != "" {
		if reply, err := roundTrip("AUTH", r.Password); err != nil || reply != "+OK\r\n" {
			return reply, fmt.Errorf("AUTH: %q %v", reply, err)
		}
	}
	return roundTrip(args...)
}

// Stop ends the server.
func (r *Redis) Stop() { r.Process.Stop(2 * time.Second) }

// PTTL is the key's time to live in milliseconds (-1: no expiry, -2: no such key).
func (r *Redis) PTTL(key string) (int64, error) {
	reply, err := r.Do("PTTL", key)
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(reply, ":"), "\r\n"), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("PTTL %s answered %q", key, reply)
	}
	return n, nil
}
