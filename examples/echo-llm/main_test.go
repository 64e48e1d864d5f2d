package main

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tiny-agents-go/tiny-agents/inference"
)

func TestEchoStreamsThenCompletes(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(chat))
	defer srv.Close()
	c, err := inference.NewClient(inference.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	msg, finish := echo(t, c, "hello there")
	if msg.Content != "You said: hello there" || len(msg.ToolCalls) != 1 || msg.ToolCalls[0].Function.Name != "task_complete" {
		t.Errorf("message = %+v", msg)
	}
	if !strings.HasPrefix(finish, "tool_calls") {
		t.Errorf("finish = %q", finish)
	}
}

// echo streams a chat completion of text and returns the message and the
// finish reason.
func echo(t *testing.T, c *inference.Client, text string) (inference.ChatMessage, string) {
	t.Helper()
	var acc inference.ChatCompletionAccumulator
	in := &inference.ChatCompletionInput{Messages: []inference.ChatMessage{{Role: "user", Content: text}}}
	for chunk, err := range c.ChatCompletionStream(t.Context(), in) {
		if err != nil {
			t.Fatal(err)
		}
		acc.Add(chunk)
	}
	return acc.Message(), acc.Output().Choices[0].FinishReason
}

// lines is a stderr that hands each write over, safe for concurrent use.
type lines chan string

func (l lines) Write(p []byte) (int, error) {
	l <- string(p)
	return len(p), nil
}

// start runs the program with args until the test ends. It returns its
// stderr and its exit status, which comes once the program has stopped.
func start(t *testing.T, args ...string) (stop func(), stderr lines, code <-chan int) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	stderr = make(lines, 100)
	c := make(chan int, 1)
	go func() { c <- run(ctx, args, stderr) }()
	t.Cleanup(cancel)
	return cancel, stderr, c
}

// within returns what ch gives within 5 s, or fails the test.
func within[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(5 * time.Second):
		t.Fatalf("no %s after 5s", what)
	}
	panic("unreachable")
}

var listening = regexp.MustCompile(`^echo-llm: listening on http://(127\.0\.0\.1:\d+); stop it with Ctrl\+C, or kill %1 if you started it with &\n$`)

func TestRunSaysWhereAndHowToStop(t *testing.T) {
	stop, stderr, code := start(t, "-addr", "127.0.0.1:0")
	line := within(t, stderr, "line on stderr")
	m := listening.FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("stderr = %q, want the address and how to stop it", line)
	}
	c, err := inference.NewClient(inference.WithBaseURL("http://" + m[1]))
	if err != nil {
		t.Fatal(err)
	}
	if msg, _ := echo(t, c, "ping"); msg.Content != "You said: ping" {
		t.Errorf("served %q, want the echo", msg.Content)
	}
	stop()
	if got := within(t, code, "exit after the stop"); got != 0 {
		t.Errorf("exit status %d after the stop, want 0", got)
	}
}

func TestRunFailsAtOnce(t *testing.T) {
	// A first echo-llm holds an address.
	_, stderr, _ := start(t, "-addr", "127.0.0.1:0")
	m := listening.FindStringSubmatch(within(t, stderr, "line on stderr"))
	if m == nil {
		t.Fatal("the first echo-llm does not say where it listens")
	}
	busy := m[1]
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	tests := map[string]struct {
		args     []string
		wantCode int
		want     string // the start of stderr
	}{
		"address in use by another echo-llm": {[]string{"-addr", busy}, 1,
			"echo-llm: " + busy + " is already in use (another echo-llm?): stop it, or pass -addr 127.0.0.1:0 to listen on a free port\n"},
		"address in use by another program": {[]string{"-addr", ln.Addr().String()}, 1,
			"echo-llm: " + ln.Addr().String() + " is already in use (another echo-llm?)"},
		"unknown port": {[]string{"-addr", "127.0.0.1:http-alt-nope"}, 1, "echo-llm: cannot listen on 127.0.0.1:http-alt-nope: "},
		"unknown flag": {[]string{"-port", "1"}, 2, "flag provided but not defined: -port"},
		"argument":     {[]string{"now"}, 2, `echo-llm: unexpected argument "now"; the only flag is -addr`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, stderr, code := start(t, tt.args...)
			if got := within(t, code, "exit"); got != tt.wantCode {
				t.Errorf("exit status %d, want %d", got, tt.wantCode)
			}
			if got := within(t, stderr, "line on stderr"); !strings.HasPrefix(got, tt.want) {
				t.Errorf("stderr = %q\nwant      %q...", got, tt.want)
			}
		})
	}
}
