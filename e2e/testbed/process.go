package testbed

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// Process is a child process the test bed started (Envoy, redis-server, the ratelimit
// service). Its output goes to a log file; Stop ends the whole process group, so nothing
// outlives the test, and the kernel kills it too if the test binary itself dies.
type Process struct {
	Name    string
	LogPath string

	cmd     *exec.Cmd
	logFile *os.File
	done    chan struct{}
	waitErr error
	stop    sync.Once
	onStop  func() // extra clean-up after the process ended (a docker container)
}

// StartProcess runs argv with its stdout and stderr appended to logPath.
func StartProcess(name, logPath string, env []string, argv ...string) (*Process, error) {
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("%s: log file: %w", name, err)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	if env != nil {
		cmd.Env = append(os.Environ(), env...)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("%s: start %s: %w", name, argv[0], err)
	}
	p := &Process{Name: name, LogPath: logPath, cmd: cmd, logFile: logFile, done: make(chan struct{})}
	go func() {
		p.waitErr = cmd.Wait()
		logFile.Close()
		close(p.done)
	}()
	return p, nil
}

// Pid is the child's process id.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Exited reports whether the process has ended, and how.
func (p *Process) Exited() (bool, error) {
	select {
	case <-p.done:
		return true, p.waitErr
	default:
		return false, nil
	}
}

// Done is closed when the process has ended.
func (p *Process) Done() <-chan struct{} { return p.done }

// Stop sends SIGTERM to the process group, then SIGKILL after grace. It returns once the
// process is gone; calling it again is harmless.
func (p *Process) Stop(grace time.Duration) {
	p.stop.Do(func() {
		pgid := -p.cmd.Process.Pid
		_ = syscall.Kill(pgid, syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(grace):
			_ = syscall.Kill(pgid, syscall.SIGKILL)
			<-p.done
		}
		if p.onStop != nil {
			p.onStop()
		}
	})
}

// Log is everything the process wrote so far.
func (p *Process) Log() string {
	b, _ := os.ReadFile(p.LogPath)
	return string(b)
}

// LogTail is the last n lines of the log: what a failure message shows.
func (p *Process) LogTail(n int) string {
	return tailLines(p.Log(), n)
}

func tailLines(s string, n int) string {
	b := bytes.TrimRight([]byte(s), "\n")
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] == '\n' {
			n--
			if n == 0 {
				return string(b[i+1:])
			}
		}
	}
	return string(b)
}

// WaitUntil polls ready until it returns nil, the process exits (an error with the log tail),
// or the timeout passes (an error with ready's last complaint and the log tail).
func (p *Process) WaitUntil(timeout time.Duration, ready func() error) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	last := errors.New("not checked yet")
	for {
		if last = ready(); last == nil {
			return nil
		}
		select {
		case <-p.done:
			return fmt.Errorf("%s exited before it was ready (%v); its log ends with:\n%s",
				p.Name, p.waitErr, p.LogTail(20))
		case <-ctx.Done():
			return fmt.Errorf("%s not ready after %s (%v); its log ends with:\n%s",
				p.Name, timeout, last, p.LogTail(20))
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// FreePort asks the kernel for a loopback TCP port nobody listens on. There is a short race
// until the child binds it; the test bed's start-up checks catch the rare loser.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// dialable reports whether something accepts TCP connections on addr.
func dialable(addr string) error {
	c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
	if err != nil {
		return err
	}
	return c.Close()
}

func hostPort(port int) string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(port)) }

func mkdir(dir string) error { return os.MkdirAll(dir, 0o700) }
