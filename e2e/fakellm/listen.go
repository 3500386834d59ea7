package fakellm

import (
	"errors"
	"net"
	"net/http"
	"sync"
	"time"
)

// closeTimeout bounds how long Close waits for requests being served to return.
const closeTimeout = 5 * time.Second

// Server is a Handler listening on a real TCP socket, for tests that start fakes in
// their own process and for the fakellm command. It speaks HTTP/1.1 and, for upstreams
// configured for it, HTTP/2 without TLS (h2c with prior knowledge).
type Server struct {
	*Handler
	listener net.Listener
	http     *http.Server
	served   chan error // Serve's result
	once     sync.Once
	closeErr error
}

// Start runs a fake on 127.0.0.1 on a free port.
func Start(cfg Config) (*Server, error) {
	return Listen("127.0.0.1:0", cfg)
}

// Listen runs a fake on addr ("host:port"; port 0 picks a free one).
func Listen(addr string, cfg Config) (*Server, error) {
	h, err := New(cfg)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	protocols := new(http.Protocols)
	protocols.SetHTTP1(true)
	protocols.SetUnencryptedHTTP2(true)
	s := &Server{
		Handler:  h,
		listener: ln,
		http:     &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, Protocols: protocols},
		served:   make(chan error, 1),
	}
	go func() { s.served <- s.http.Serve(ln) }()
	return s, nil
}

// Addr is the address the fake listens on, "127.0.0.1:port".
func (s *Server) Addr() string { return s.listener.Addr().String() }

// URL is the fake's base URL, "http://127.0.0.1:port".
func (s *Server) URL() string { return "http://" + s.Addr() }

// Close stops the fake at once: it ends every delay and stall, closes the listener and
// every connection (a stream still going is cut), and waits for the handlers to return.
// Safe to call twice.
func (s *Server) Close() error {
	s.once.Do(func() {
		s.Handler.stop()
		// Not http.Server.Shutdown: it waits for connections a client opened but never
		// used, which only slows a test's cleanup down.
		closeErr := s.http.Close()
		serveErr := <-s.served
		if errors.Is(serveErr, http.ErrServerClosed) {
			serveErr = nil
		}
		s.closeErr = errors.Join(closeErr, serveErr, s.Handler.wait(closeTimeout))
	})
	return s.closeErr
}
