package mcpclient_test

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/server"

	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
	"github.com/tiny-agents-go/tiny-agents/internal/mcptest"
	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

// newClient builds an mcpclient whose model is the scripted fake.
func newClient(t *testing.T, steps ...inferencetest.Step) (*mcpclient.Client, *inferencetest.Server) {
	t.Helper()
	llm := inferencetest.NewServer(t, steps...)
	c, err := mcpclient.New(mcpclient.WithModel("test-model"),
		mcpclient.WithInferenceOptions(inference.WithBaseURL(llm.URL+"/v1"), inference.WithToken("none")))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, llm
}

func toolNames(ts []inference.Tool) []string {
	var names []string
	for _, t := range ts {
		names = append(names, t.Function.Name)
	}
	return names
}

var allTools = []string{"add", "ask_user", "die", "echo", "empty", "env", "fail", "hang", "image", "pid", "resources", "tool_error"}

func TestAddServersOverEveryTransport(t *testing.T) {
	for name, cfg := range map[string]func(t *testing.T) mcpclient.ServerConfig{
		"stdio": func(*testing.T) mcpclient.ServerConfig { return stdioConfig("a") },
		"sse":   sseConfig,
		"http":  httpConfig,
	} {
		t.Run(name, func(t *testing.T) {
			c, _ := newClient(t)
			if err := c.AddServer(t.Context(), cfg(t)); err != nil {
				t.Fatal(err)
			}
			got := toolNames(c.Tools())
			slices.Sort(got)
			if !reflect.DeepEqual(got, allTools) {
				t.Errorf("tools = %v", got)
			}
		})
	}
}

func TestDuplicateToolsAndAllowedTools(t *testing.T) {
	c, _ := newClient(t)
	first := stdioConfig("first")
	first.AllowedTools = []string{"echo", "add"}
	second := httpConfig(t)
	if err := c.AddServers(t.Context(), []mcpclient.ServerConfig{first, second}); err != nil {
		t.Fatal(err)
	}
	got := toolNames(c.Tools())
	if got[0] != "echo" && got[0] != "add" || len(got) != len(allTools) {
		t.Errorf("tools = %v: want echo and add from the first server, the others from the second, no duplicate", got)
	}
	seen := map[string]bool{}
	for _, n := range got {
		if seen[n] {
			t.Errorf("duplicate tool %s", n)
		}
		seen[n] = true
	}
}

func TestServerFailuresNameTheServer(t *testing.T) {
	c, _ := newClient(t)
	err := c.AddServers(t.Context(), []mcpclient.ServerConfig{
		{Type: mcpclient.TransportStdio, Command: "/nonexistent/mcp-server"},
		{Type: mcpclient.TransportHTTP, URL: "http://127.0.0.1:1/mcp"},
		stdioConfig("ok"),
	})
	if err == nil || !strings.Contains(err.Error(), "/nonexistent/mcp-server") || !strings.Contains(err.Error(), "127.0.0.1:1") {
		t.Errorf("err = %v, want both failures named", err)
	}
	if len(c.Tools()) != len(allTools) {
		t.Errorf("the server that worked was not kept: %v", toolNames(c.Tools()))
	}
}

func TestParallelConnect(t *testing.T) {
	c, _ := newClient(t)
	var cfgs []mcpclient.ServerConfig
	for i := range 4 {
		cfgs = append(cfgs, stdioConfig(strconv.Itoa(i)))
	}
	if err := c.AddServers(t.Context(), cfgs); err != nil {
		t.Fatal(err)
	}
	if len(c.Tools()) != len(allTools) {
		t.Errorf("tools = %v", toolNames(c.Tools()))
	}
}

func TestCloseReapsStdioChildren(t *testing.T) {
	c, _ := newClient(t, inferencetest.ToolCalls(inferencetest.ToolCall{ID: "c1", Name: "pid", Arguments: []string{"{}"}}))
	if err := c.AddServer(t.Context(), stdioConfig("pid")); err != nil {
		t.Fatal(err)
	}
	msgs := []inference.ChatMessage{{Role: inference.RoleUser, Content: "pid?"}}
	for _, err := range c.ProcessSingleTurnWithTools(t.Context(), &msgs, mcpclient.TurnOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
	}
	pid, err := strconv.Atoi(msgs[len(msgs)-1].Content)
	if err != nil {
		t.Fatalf("pid result %q", msgs[len(msgs)-1].Content)
	}
	if err := syscall.Kill(pid, 0); err != nil {
		t.Fatalf("server %d not running before Close: %v", pid, err)
	}
	c.Close()
	deadline := time.Now().Add(2 * time.Second)
	for syscall.Kill(pid, 0) == nil {
		var ws syscall.WaitStatus
		syscall.Wait4(pid, &ws, syscall.WNOHANG, nil)
		if time.Now().After(deadline) {
			t.Fatalf("server %d still alive after Close", pid)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestCloseDeletesHTTPSession(t *testing.T) {
	var mu sync.Mutex
	var methods []string
	h := server.NewStreamableHTTPServer(mcptest.NewServer("del"))
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		methods = append(methods, r.Method)
		mu.Unlock()
		h.ServeHTTP(w, r)
	}))
	defer ts.Close()
	c, _ := newClient(t)
	if err := c.AddServer(t.Context(), mcpclient.ServerConfig{Type: mcpclient.TransportHTTP, URL: ts.URL + "/mcp"}); err != nil {
		t.Fatal(err)
	}
	c.Close()
	mu.Lock()
	defer mu.Unlock()
	if !slices.Contains(methods, http.MethodDelete) {
		t.Errorf("methods = %v, want a DELETE ending the session", methods)
	}
}
