package agent_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/tiny-agents-go/tiny-agents/agent"
	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
)

// An agent served over HTTP, behind an API key, driven by a scripted model.
func ExampleNewHandler() {
	tb := &inferencetest.Standalone{}
	defer tb.Close()
	llm := inferencetest.NewServer(tb, inferencetest.Text("Hello from the agent."))

	ctx := context.Background()
	a, err := agent.New(ctx, &agent.Config{Model: "demo", EndpointURL: llm.URL + "/v1"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer a.Close()
	srv := httptest.NewServer(agent.NewHandler(a, agent.HandlerOptions{APIKey: "secret"}))
	defer srv.Close()

	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/v1/chat/completions",
		strings.NewReader(`{"messages":[{"role":"user","content":"Hi!"}]}`))
	req.Header.Set("Authorization", "Bearer secret")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	var out struct {
		Choices []struct{ Message struct{ Content string } }
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(resp.Status, out.Choices[0].Message.Content)
	// Output: 200 OK Hello from the agent.
}
