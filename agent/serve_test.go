package agent_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/tiny-agents-go/tiny-agents/agent"
	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
	"github.com/tiny-agents-go/tiny-agents/internal/mcptest"
	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

// serveAgent connects an agent whose model is at llmURL and whose tools
// are a stdio test server's.
func serveAgent(t *testing.T, llmURL string, opts ...agent.Option) *agent.Agent {
	t.Helper()
	cfg := &agent.Config{Model: "m", EndpointURL: llmURL + "/v1", Prompt: "be brief", Servers: []mcpclient.ServerConfig{
		{Type: "stdio", Command: os.Args[0], Args: []string{"-test.run=^$"}, Env: mcptest.StdioEnv("a")}}}
	a, err := agent.New(t.Context(), cfg, append([]agent.Option{agent.WithMaxTurns(4)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// serveHandler serves NewHandler(a, opts) and returns its URL.
func serveHandler(t *testing.T, a *agent.Agent, opts agent.HandlerOptions) string {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	srv := httptest.NewServer(agent.NewHandler(a, opts))
	t.Cleanup(srv.Close)
	return srv.URL
}

// post sends body to the chat completions route.
func post(t *testing.T, url, body string, header ...string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url+"/v1/chat/completions", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// userRequest is a request body with one user message.
func userRequest(stream bool, text string) string {
	b, _ := json.Marshal(map[string]any{"model": "whatever", "stream": stream,
		"messages": []map[string]any{{"role": "user", "content": text}}})
	return string(b)
}

// sseData returns the data of each event of an SSE body.
func sseData(t *testing.T, body io.Reader) []string {
	t.Helper()
	var events []string
	sc := bufio.NewScanner(body)
	sc.Buffer(nil, 1<<20)
	var data []string
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "" && data != nil:
			events = append(events, strings.Join(data, "\n"))
			data = nil
		case strings.HasPrefix(line, "data: "):
			data = append(data, strings.TrimPrefix(line, "data: "))
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return events
}

// decode unmarshals a JSON text into a map, failing the test otherwise.
func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("not a JSON object: %v\n%s", err, s)
	}
	return m
}

// delta is choices[0].delta of a chunk, nil if there is none.
func delta(chunk map[string]any) map[string]any {
	choices, _ := chunk["choices"].([]any)
	if len(choices) == 0 {
		return nil
	}
	d, _ := choices[0].(map[string]any)["delta"].(map[string]any)
	return d
}

// toolRoundTrip is the script of a run that calls echo, then finishes
// with text and task_complete, reporting usage each turn.
func toolRoundTrip() []inferencetest.Step {
	echo := inferencetest.ToolCalls(call("c1", "echo", `{"text":"hi"}`))
	echo.Usage = &inferencetest.Usage{PromptTokens: 10, CompletionTokens: 2, TotalTokens: 12}
	return []inferencetest.Step{echo, {Text: []string{"Done", "."}, ToolCalls: []inferencetest.ToolCall{call("c2", "task_complete", `{}`)},
		Usage: &inferencetest.Usage{PromptTokens: 20, CompletionTokens: 3, TotalTokens: 23}}}
}

func TestServeStreaming(t *testing.T) {
	llm := inferencetest.NewServer(t, toolRoundTrip()...)
	url := serveHandler(t, serveAgent(t, llm.URL), agent.HandlerOptions{Model: "m"})
	resp := post(t, url, `{"stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"say hi"}]}`)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("status %d, Content-Type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	events := sseData(t, resp.Body)
	if len(events) < 4 || events[len(events)-1] != "[DONE]" {
		t.Fatalf("events do not end with [DONE]: %q", events)
	}
	var content, args strings.Builder
	var tools []map[string]any
	for _, ev := range events[:len(events)-2] {
		chunk := decode(t, ev)
		d := delta(chunk)
		switch {
		case chunk["usage"] != nil:
			t.Errorf("a usage chunk before the end: %s", ev)
		case d == nil:
			t.Errorf("a chunk without a delta: %s", ev)
		case d["role"] == "tool":
			tools = append(tools, chunk)
		default:
			if chunk["object"] != "chat.completion.chunk" || chunk["id"] == "" {
				t.Errorf("chunk %s", ev)
			}
			content.WriteString(str(d["content"]))
			for _, tc := range asSlice(d["tool_calls"]) {
				args.WriteString(fmt.Sprint(tc.(map[string]any)["function"].(map[string]any)["name"]))
			}
		}
	}
	if !strings.Contains(content.String(), "Done.") || !strings.Contains(args.String(), "echo") || !strings.Contains(args.String(), "task_complete") {
		t.Errorf("content %q, tool calls %q", content.String(), args.String())
	}
	if len(tools) != 2 {
		t.Fatalf("tool result chunks: %v", tools)
	}
	want := map[string]any{"id": "c1", "object": "chat.completion.chunk", "created": tools[0]["created"], "model": "",
		"system_fingerprint": "", "choices": []any{map[string]any{"index": 0.0,
			"delta": map[string]any{"role": "tool", "content": "Tool[echo] c1\necho: hi"}}}}
	if !reflect.DeepEqual(tools[0], want) {
		t.Errorf("tool chunk\n got %v\nwant %v", tools[0], want)
	}
	if d := delta(tools[1]); d["content"] != "Tool[task_complete] c2\n" {
		t.Errorf("task_complete chunk %v", tools[1])
	}
	usage := decode(t, events[len(events)-2])
	wantUsage := map[string]any{"prompt_tokens": 30.0, "completion_tokens": 5.0, "total_tokens": 35.0}
	if !reflect.DeepEqual(usage["usage"], wantUsage) || !reflect.DeepEqual(usage["choices"], []any{}) || usage["model"] != "m" {
		t.Errorf("usage chunk %v", usage)
	}
	body := llm.Request(0).JSON(t)
	msgs := body["messages"].([]any)
	if m0 := msgs[0].(map[string]any); m0["role"] != "system" || m0["content"] != "be brief" || len(msgs) != 2 {
		t.Errorf("the model got %v, want the system prompt then the request's message", msgs)
	}
}

// Without stream_options.include_usage, no chunk lacks choices: clients
// read choices[0] of every chunk (OpenAI sends the usage chunk only when
// asked).
func TestServeStreamingUsageOnlyWhenAsked(t *testing.T) {
	llm := inferencetest.NewServer(t, toolRoundTrip()...)
	url := serveHandler(t, serveAgent(t, llm.URL), agent.HandlerOptions{Model: "m"})
	events := sseData(t, post(t, url, userRequest(true, "say hi")).Body)
	if len(events) < 2 || events[len(events)-1] != "[DONE]" {
		t.Fatalf("events do not end with [DONE]: %q", events)
	}
	for _, ev := range events[:len(events)-1] {
		if chunk := decode(t, ev); len(asSlice(chunk["choices"])) == 0 || chunk["usage"] != nil {
			t.Errorf("a chunk without choices or with usage, not asked for: %s", ev)
		}
	}
}

func asSlice(v any) []any { s, _ := v.([]any); return s }

// str is v if it is a string, else "".
func str(v any) string { s, _ := v.(string); return s }

func TestServeNonStreaming(t *testing.T) {
	llm := inferencetest.NewServer(t, toolRoundTrip()...)
	url := serveHandler(t, serveAgent(t, llm.URL), agent.HandlerOptions{Model: "my-agent"})
	body := `{"model":"x","n":1,"messages":[{"role":"developer","content":"be kind"},
		{"role":"user","content":[{"type":"text","text":"say hi"}]}]}`
	resp := post(t, url, body)
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("status %d: %s", resp.StatusCode, b)
	}
	got := decode(t, string(b))
	id, _ := got["id"].(string)
	if !strings.HasPrefix(id, "chatcmpl-") || resp.Header.Get("X-Request-Id") != id {
		t.Errorf("id %q, X-Request-Id %q", id, resp.Header.Get("X-Request-Id"))
	}
	delete(got, "id")
	delete(got, "created")
	want := decode(t, `{"object":"chat.completion","model":"my-agent",
		"choices":[{"index":0,"message":{"role":"assistant","content":"Done."},"finish_reason":"stop"}],
		"usage":{"prompt_tokens":30,"completion_tokens":5,"total_tokens":35},
		"x_tiny_agents":{"stop_reason":"exit_tool","turns":2,"tool_trail":[
			{"id":"c1","name":"echo","arguments":"{\"text\":\"hi\"}","content":"echo: hi"},
			{"id":"c2","name":"task_complete","arguments":"{}","content":""}]}}`)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
	msgs := llm.Request(0).JSON(t)["messages"].([]any)
	roles := []string{}
	for _, m := range msgs {
		roles = append(roles, m.(map[string]any)["role"].(string))
	}
	if !reflect.DeepEqual(roles, []string{"system", "system", "user"}) {
		t.Errorf("roles sent to the model: %v", roles)
	}
}

func TestServeNonStreamingWithoutUsage(t *testing.T) {
	llm := inferencetest.NewServer(t, inferencetest.Text("Hello!"))
	url := serveHandler(t, serveAgent(t, llm.URL), agent.HandlerOptions{})
	b, _ := io.ReadAll(post(t, url, userRequest(false, "hi")).Body)
	got := decode(t, string(b))
	want := decode(t, `{"prompt_tokens":0,"completion_tokens":0,"total_tokens":0}`)
	if !reflect.DeepEqual(got["usage"], want) || got["model"] != "m" {
		t.Errorf("got %s", b)
	}
	if x := got["x_tiny_agents"].(map[string]any); x["stop_reason"] != "answered" || len(x["tool_trail"].([]any)) != 0 {
		t.Errorf("x_tiny_agents %v", x)
	}
}

// echoLLM is a model that answers each request with "echo: " and its
// last user message, streamed in two chunks.
func echoLLM(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in struct{ Messages []inference.ChatMessage }
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil || len(in.Messages) == 0 {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		last := in.Messages[len(in.Messages)-1].Content
		w.Header().Set("Content-Type", "text/event-stream")
		for _, d := range []string{`{"role":"assistant","content":"echo: "}`, fmt.Sprintf(`{"content":%q}`, last)} {
			fmt.Fprintf(w, "data: {\"id\":\"e\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":%s}]}\n\n", d)
		}
		io.WriteString(w, "data: {\"id\":\"e\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n")
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestServeConcurrentRequests(t *testing.T) {
	const n = 64
	llm := echoLLM(t)
	url := serveHandler(t, serveAgent(t, llm.URL), agent.HandlerOptions{MaxConcurrent: n})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			prompt := fmt.Sprintf("prompt number %d", i)
			stream := i%2 == 0
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, url+"/v1/chat/completions",
				strings.NewReader(userRequest(stream, prompt)))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			var answer string
			if stream {
				for _, ev := range sseData(t, resp.Body) {
					if ev != "[DONE]" {
						answer += str(delta(decode(t, ev))["content"])
					}
				}
			} else {
				var out struct {
					Choices []struct{ Message struct{ Content string } }
				}
				if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || len(out.Choices) != 1 {
					t.Errorf("request %d: %v %+v", i, err, out)
					return
				}
				answer = out.Choices[0].Message.Content
			}
			if answer != "echo: "+prompt {
				t.Errorf("request %d (status %d) got %q", i, resp.StatusCode, answer)
			}
		})
	}
	wg.Wait()
}
