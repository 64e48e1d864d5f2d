package mcpclient_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/tiny-agents-go/tiny-agents/internal/mcptest"
	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

// logRecorder is a slog handler that keeps every record, as "LEVEL
// message" (messages) and with its attributes (all).
type logRecorder struct {
	mu   sync.Mutex
	msgs []string
	all  strings.Builder
}

func (r *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (r *logRecorder) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, rec.Level.String()+" "+rec.Message)
	r.all.WriteString(rec.Message)
	rec.Attrs(func(a slog.Attr) bool {
		r.all.WriteString(" " + a.String())
		return true
	})
	r.all.WriteString("\n")
	return nil
}
func (r *logRecorder) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *logRecorder) WithGroup(string) slog.Handler      { return r }

func (r *logRecorder) text() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.all.String()
}

func (r *logRecorder) messages() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.msgs...)
}

// quietCheck fails the test if anything is written to os.Stderr or logged
// through slog's default logger (or the log package) from now until the
// test ends. It must not be used by parallel tests.
func quietCheck(t *testing.T) {
	t.Helper()
	def := &logRecorder{}
	old := slog.Default()
	slog.SetDefault(slog.New(def))
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := os.Stderr
	os.Stderr = w
	out := make(chan string, 1)
	go func() {
		b, _ := io.ReadAll(r)
		out <- string(b)
	}()
	t.Cleanup(func() {
		os.Stderr = stderr
		slog.SetDefault(old)
		w.Close()
		if s := <-out; s != "" {
			t.Errorf("written to stderr: %q", s)
		}
		r.Close()
		if msgs := def.messages(); len(msgs) > 0 {
			t.Errorf("logged through slog's default logger: %q", msgs)
		}
	})
}

// waitTool adds a tool "wait" to srv that blocks until release is closed
// or its context ends. If notify is set, it first sends a log
// notification, which makes a streamable HTTP server stream its response;
// otherwise it signals called.
func waitTool(srv *server.MCPServer, notify bool, called chan<- struct{}, release <-chan struct{}) {
	srv.AddTool(mcp.NewTool("wait"), func(ctx context.Context, _ mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		if notify {
			srv.SendNotificationToClient(ctx, "notifications/message", map[string]any{"level": "info", "data": "working"})
		} else {
			called <- struct{}{}
		}
		select {
		case <-release:
		case <-ctx.Done():
		}
		return mcp.NewToolResultText("released"), nil
	})
}

// droppable is an MCP server over HTTP whose connections the test drops
// while the tool "wait" runs: called receives once the tool runs, or, if
// it notifies, once the notification has been flushed to the client.
type droppable struct {
	ts      *httptest.Server
	called  chan struct{}
	mu      sync.Mutex
	streams []context.CancelFunc // end the SSE event streams
}

func newDroppable(t *testing.T, typ string, notify bool) *droppable {
	d := &droppable{called: make(chan struct{}, 1)}
	release := make(chan struct{})
	srv := mcptest.NewServer("drop")
	waitTool(srv, notify, d.called, release)
	var h http.Handler
	var sse *server.SSEServer
	if typ == mcpclient.TransportSSE {
		sse = server.NewSSEServer(srv)
		h = sse
	} else {
		h = server.NewStreamableHTTPServer(srv)
	}
	d.ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && sse != nil {
			ctx, cancel := context.WithCancel(r.Context())
			d.mu.Lock()
			d.streams = append(d.streams, cancel)
			d.mu.Unlock()
			r = r.WithContext(ctx)
		}
		if notify {
			w = &flushSignal{ResponseWriter: w, flushed: d.called}
		}
		h.ServeHTTP(w, r)
	}))
	if sse != nil {
		server.WithBaseURL(d.ts.URL)(sse)
	}
	t.Cleanup(func() {
		close(release)
		d.endStreams()
		d.ts.Close()
	})
	return d
}

// flushSignal sends on flushed when a response that carries a log
// notification is flushed.
type flushSignal struct {
	http.ResponseWriter
	flushed chan<- struct{}
	mu      sync.Mutex
	seen    bool // a notification was written
	sent    bool
}

func (f *flushSignal) Write(p []byte) (int, error) {
	f.mu.Lock()
	f.seen = f.seen || strings.Contains(string(p), "notifications/message")
	f.mu.Unlock()
	return f.ResponseWriter.Write(p)
}

func (f *flushSignal) Flush() {
	f.ResponseWriter.(http.Flusher).Flush()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.seen && !f.sent {
		f.sent = true
		f.flushed <- struct{}{}
	}
}

// endStreams makes the server end its SSE event streams, cleanly.
func (d *droppable) endStreams() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, cancel := range d.streams {
		cancel()
	}
}

func TestDroppedConnectionFailsThePendingCall(t *testing.T) {
	for _, tc := range []struct {
		name   string
		typ    string
		notify bool // the tool streams a notification before it blocks
		drop   func(d *droppable)
		want   string
		log    string // a line mcp-go logs, which must come to our logger
	}{
		{"sse stream ends", mcpclient.TransportSSE, false, (*droppable).endStreams,
			`server "dropper": went away during tool call "wait": event stream closed`, ""},
		{"sse connection reset", mcpclient.TransportSSE, false, func(d *droppable) { d.ts.CloseClientConnections() },
			`server "dropper": went away during tool call "wait": event stream broke: `, ""},
		{"http connection closed before the response", mcpclient.TransportHTTP, false, func(d *droppable) { d.ts.CloseClientConnections() },
			`server "dropper": went away during tool call "wait": connection closed`, ""},
		{"http connection closed during a streamed response", mcpclient.TransportHTTP, true, func(d *droppable) { d.ts.CloseClientConnections() },
			`server "dropper": went away during tool call "wait": response stream broke: `,
			`DEBUG server "dropper": SSE stream error`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			quietCheck(t)
			logs := &logRecorder{}
			c, err := mcpclient.New(mcpclient.WithLogger(slog.New(logs)))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			d := newDroppable(t, tc.typ, tc.notify)
			path := "/mcp"
			if tc.typ == mcpclient.TransportSSE {
				path = "/sse"
			}
			// Secrets in the URL never show in a message.
			url := strings.Replace(d.ts.URL, "://", "://user:hunter2@", 1) + path + "?key=hunter2"
			cfg := mcpclient.ServerConfig{Type: tc.typ, Name: "dropper", URL: url}
			if err := c.AddServer(t.Context(), cfg); err != nil {
				t.Fatal(err)
			}
			errc := make(chan error, 1)
			go func() {
				_, err := c.CallTool(t.Context(), "wait", nil)
				errc <- err
			}()
			<-d.called
			tc.drop(d)
			dropped := time.Now()
			select {
			case err = <-errc:
			case <-time.After(5 * time.Second):
				t.Fatal("the call still waits 5s after its connection dropped")
			}
			if took := time.Since(dropped); took > 2*time.Second {
				t.Errorf("the call failed %s after its connection dropped", took)
			}
			se := serverError(t, err)
			if !errors.Is(err, mcpclient.ErrServerGone) || se.Server != "dropper" || se.Op != "call wait" {
				t.Errorf("err = %v: gone %v, server %q, op %q", err, errors.Is(err, mcpclient.ErrServerGone), se.Server, se.Op)
			}
			if msg := se.Error(); !strings.HasPrefix(msg, tc.want) || strings.Contains(msg, "\n") || strings.Contains(msg, "hunter2") {
				t.Errorf("message = %q, want prefix %q", msg, tc.want)
			}
			_, err = c.CallTool(t.Context(), "echo", map[string]any{"text": "x"})
			if se := serverError(t, err); !errors.Is(err, mcpclient.ErrServerGone) ||
				!strings.HasPrefix(se.Error(), `server "dropper": went away earlier: `) {
				t.Errorf("next call: %v", err)
			}
			if err := c.Close(); err != nil {
				t.Errorf("Close repeated the failure already reported: %v", err)
			}
			got := logs.messages()
			if tc.log != "" && !slices.Contains(got, tc.log) {
				t.Errorf("logged %q, want %q", got, tc.log)
			}
			if all := logs.text(); strings.Contains(all, "hunter2") {
				t.Errorf("the log shows a secret:\n%s", all)
			}
			for _, m := range got {
				if !strings.HasPrefix(m, `DEBUG server "dropper": `) {
					t.Errorf("logged %q: want mcp-go's lines at debug level, naming the server", m)
				}
			}
		})
	}
}
