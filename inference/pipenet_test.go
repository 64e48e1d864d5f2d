package inference_test

import (
	"context"
	"net"
	"net/http"
	"sync"
	"testing"
)

// pipeNet is an in-memory network for tests in a synctest bubble, where a
// goroutine blocked on a loopback socket would keep the bubble from ever
// being idle: a real http.Server and http.Transport talk over net.Pipe.
type pipeNet struct {
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

// Accept returns the server end of the next dialled connection.
func (n *pipeNet) Accept() (net.Conn, error) {
	select {
	case c := <-n.conns:
		return c, nil
	case <-n.done:
		return nil, net.ErrClosed
	}
}

// Close stops Accept and dial.
func (n *pipeNet) Close() error {
	n.once.Do(func() { close(n.done) })
	return nil
}

// Addr is the listener's address, which nothing reads.
func (n *pipeNet) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 5} }

func (n *pipeNet) dial(ctx context.Context, _, _ string) (net.Conn, error) {
	client, server := net.Pipe()
	select {
	case n.conns <- server:
		return client, nil
	case <-n.done:
		return nil, net.ErrClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// pipeURL is the URL clients of servePipe use; every address dials the
// in-memory server.
const pipeURL = "http://127.0.0.1:5"

// servePipe serves h on an in-memory network and returns an HTTP client
// whose every request reaches h. Call it inside synctest.Test: the test's
// cleanup closes both ends and waits for the handlers to return.
func servePipe(t *testing.T, h http.Handler) *http.Client {
	t.Helper()
	n := &pipeNet{conns: make(chan net.Conn), done: make(chan struct{})}
	var handlers sync.WaitGroup
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handlers.Add(1)
		defer handlers.Done()
		h.ServeHTTP(w, r)
	})}
	served := make(chan struct{})
	go func() {
		srv.Serve(n)
		close(served)
	}()
	tr := &http.Transport{DialContext: n.dial}
	t.Cleanup(func() {
		tr.CloseIdleConnections()
		srv.Close()
		<-served
		handlers.Wait()
	})
	return &http.Client{Transport: tr}
}
