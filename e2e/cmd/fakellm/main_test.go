package main

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer the command and the test may use at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestRunServesUntilSignal(t *testing.T) {
	var stdout, stderr syncBuffer
	stop := make(chan os.Signal, 1)
	exit := make(chan int, 1)
	go func() {
		exit <- run([]string{"-listen", "127.0.0.1:0", "-openai-key", "sk-cmd", "-status", "503"}, &stdout, &stderr, stop)
	}()

	var url string
	for deadline := time.Now().Add(5 * time.Second); url == ""; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no address printed; stderr: %s", stderr.String())
		}
		if line, ok := strings.CutPrefix(stdout.String(), "fakellm listening on "); ok && strings.HasSuffix(line, "\n") {
			url = strings.TrimSpace(line)
		}
	}

	req, _ := http.NewRequest(http.MethodGet, url+"/v1/models", nil)
	req.Header.Set("Authorization", "Bearer sk-cmd")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 503 { // the -status flag set the instance fault
		t.Errorf("status %d, want 503", resp.StatusCode)
	}

	stop <- syscall.SIGTERM
	select {
	case code := <-exit:
		if code != 0 {
			t.Errorf("exit code %d; stderr: %s", code, stderr.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("run did not stop on SIGTERM")
	}
	log := stderr.String()
	if !strings.Contains(log, "GET /v1/models api=openai status=503") || strings.Contains(log, "sk-cmd") {
		t.Errorf("log:\n%s", log)
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-status", "200", "-listen", "127.0.0.1:0"},
		{"-no-such-flag"},
		{"extra"},
	} {
		var stderr bytes.Buffer
		if code := run(args, io.Discard, &stderr, make(chan os.Signal)); code == 0 {
			t.Errorf("%q: exit 0", args)
		}
		if stderr.Len() == 0 {
			t.Errorf("%q: nothing said on stderr", args)
		}
	}
}
