package agent_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tiny-agents-go/tiny-agents/agent"
	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
	"github.com/tiny-agents-go/tiny-agents/mcpclient"
	"github.com/tiny-agents-go/tiny-agents/tools"
)

// TestClosedAgentRefusesToRun checks that every way of running a closed
// agent fails at once with ErrClosed, without calling the model or
// touching the conversation, and that a second Close is harmless.
func TestClosedAgentRefusesToRun(t *testing.T) {
	a, llm := newAgent(t) // no step: any request to the model is an error
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	end, err := a.Ask(t.Context(), "x")
	if !errors.Is(err, agent.ErrClosed) || end != nil {
		t.Errorf("Ask after Close = %+v, %v; want nil, ErrClosed", end, err)
	}
	runs := map[string]func() func(func(mcpclient.Event, error) bool){
		"Run": func() func(func(mcpclient.Event, error) bool) { return a.Run(t.Context(), "x") },
		"RunMessages": func() func(func(mcpclient.Event, error) bool) {
			return a.RunMessages(t.Context(), []inference.ChatMessage{{Role: inference.RoleUser, Content: "x"}})
		},
	}
	var history []inference.ChatMessage
	runs["RunConversation"] = func() func(func(mcpclient.Event, error) bool) {
		return a.RunConversation(t.Context(), &history, inference.ChatMessage{Role: inference.RoleUser, Content: "x"})
	}
	for name, run := range runs {
		var errs []error
		for ev, err := range run() {
			if ev != nil {
				t.Errorf("%s after Close yielded event %T", name, ev)
			}
			errs = append(errs, err)
		}
		if len(errs) != 1 || !errors.Is(errs[0], agent.ErrClosed) {
			t.Errorf("%s after Close yielded errors %v, want one ErrClosed", name, errs)
		}
	}
	if n := len(llm.Requests()); n != 0 {
		t.Errorf("the closed agent called the model %d times", n)
	}
	if msgs := a.Messages(); len(msgs) != 1 {
		t.Errorf("the agent's conversation grew to %d messages", len(msgs))
	}
	if len(history) != 0 {
		t.Errorf("RunConversation extended the caller's history to %d messages", len(history))
	}
}

// TestCloseDuringRunEndsItAtNextTurn checks that an agent closed while it
// runs (here by its own tool) does not start another turn.
func TestCloseDuringRunEndsItAtNextTurn(t *testing.T) {
	llm := inferencetest.NewServer(t, inferencetest.ToolCalls(call("c1", "shut", `{}`)))
	var a *agent.Agent
	shut, err := tools.New("shut", "Closes the agent.", func(context.Context, struct{}) (string, error) {
		return "closed", a.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
	a, err = agent.New(t.Context(), &agent.Config{Model: "m", EndpointURL: llm.URL + "/v1"}, agent.WithTools(shut))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	end, err := a.Ask(t.Context(), "go")
	if !errors.Is(err, agent.ErrClosed) || end != nil {
		t.Errorf("Ask = %+v, %v; want nil, ErrClosed", end, err)
	}
	if n := len(llm.Requests()); n != 1 {
		t.Errorf("requests = %d, want 1: no turn after Close", n)
	}
}

func TestNewNilConfig(t *testing.T) {
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("New(ctx, nil) panicked: %v", r)
		}
	}()
	a, err := agent.New(t.Context(), nil)
	var ce *agent.ConfigError
	if !errors.As(err, &ce) || a != nil {
		t.Fatalf("New(ctx, nil) = %v, %v; want a *ConfigError, as the package doc says", a, err)
	}
}

// TestNewNeedsAModel checks that New refuses a config that names neither a
// model nor an endpoint, with the *ConfigError that ParseConfig gives for
// the same agent.json, and accepts either one alone.
func TestNewNeedsAModel(t *testing.T) {
	a, err := agent.New(t.Context(), &agent.Config{})
	var ce *agent.ConfigError
	if !errors.As(err, &ce) || ce.Field != "model" || a != nil {
		t.Fatalf("New with an empty config = %v, %v; want a *ConfigError for model", a, err)
	}
	_, perr := agent.ParseConfig([]byte(`{"servers":[]}`), "agent.json")
	var pce *agent.ConfigError
	if !errors.As(perr, &pce) || pce.Msg != ce.Msg {
		t.Errorf("New says %q, ParseConfig %v", ce.Msg, perr)
	}
	for _, cfg := range []*agent.Config{{Model: "m"}, {EndpointURL: "http://127.0.0.1:1/v1"}} {
		a, err := agent.New(t.Context(), cfg)
		if err != nil {
			t.Errorf("New(%+v): %v", cfg, err)
			continue
		}
		a.Close()
	}
}

// connServer is a chat completions endpoint that answers every request with
// a streamed "hi" and counts the connections clients open and close.
type connServer struct {
	*httptest.Server
	opened, closed atomic.Int32
}

func newConnServer(t *testing.T) *connServer {
	s := &connServer{}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"hi\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n")
	}))
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		switch st {
		case http.StateNew:
			s.opened.Add(1)
		case http.StateClosed, http.StateHijacked:
			s.closed.Add(1)
		}
	}
	s.Start()
	t.Cleanup(s.Close)
	return s
}

// waitAllClosed fails the test if a connection to s is still open after a
// second.
func (s *connServer) waitAllClosed(t *testing.T) {
	t.Helper()
	for deadline := time.Now().Add(time.Second); s.closed.Load() < s.opened.Load(); {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d connections still open", s.opened.Load()-s.closed.Load(), s.opened.Load())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestCloseReleasesConnections checks that Close closes the idle
// connection of the inference client the agent built, so that a program
// that builds and closes agents does not accumulate connections and their
// goroutines.
func TestCloseReleasesConnections(t *testing.T) {
	srv := newConnServer(t)
	for range 3 {
		a, err := agent.New(t.Context(), &agent.Config{Model: "m", EndpointURL: srv.URL + "/v1"})
		if err != nil {
			t.Fatal(err)
		}
		if end, err := a.Ask(t.Context(), "hi"); err != nil || end.Answer != "hi" {
			t.Fatalf("Ask = %+v, %v", end, err)
		}
		a.Close()
		srv.waitAllClosed(t)
	}
	if n := srv.opened.Load(); n != 3 {
		t.Errorf("%d connections opened, want one per agent", n)
	}
}

// TestCloseKeepsCallersConnections checks that Close leaves alone the
// connections of an inference client the caller gave, which other agents
// may share.
func TestCloseKeepsCallersConnections(t *testing.T) {
	srv := newConnServer(t)
	inf, err := inference.NewClient(inference.WithBaseURL(srv.URL + "/v1"))
	if err != nil {
		t.Fatal(err)
	}
	defer inf.CloseIdleConnections()
	a, err := agent.New(t.Context(), &agent.Config{Model: "m", EndpointURL: srv.URL + "/v1"},
		agent.WithClientOptions(mcpclient.WithInferenceClient(inf)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Ask(t.Context(), "hi"); err != nil {
		t.Fatal(err)
	}
	a.Close()
	in := &inference.ChatCompletionInput{Model: "m", Messages: []inference.ChatMessage{{Role: inference.RoleUser, Content: "hi"}}}
	for _, err := range inf.ChatCompletionStream(t.Context(), in) {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := srv.opened.Load(); n != 1 {
		t.Errorf("%d connections opened, want the caller's one reused after Close", n)
	}
}
