package agent_test

import (
	"context"
	"fmt"

	"github.com/tiny-agents-go/tiny-agents/agent"
	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
	"github.com/tiny-agents-go/tiny-agents/tools"
)

// An agent built in Go, with no agent.json: a model, a Go tool, a system
// prompt. Ask runs a prompt and returns the answer with the usage.
func ExampleAgent_Ask() {
	tb := &inferencetest.Standalone{}
	defer tb.Close()
	answer := inferencetest.Step{Text: []string{"It is 21 °C in Paris."},
		ToolCalls: []inferencetest.ToolCall{{ID: "c2", Name: "task_complete", Arguments: []string{"{}"}}},
		Usage:     &inferencetest.Usage{PromptTokens: 120, CompletionTokens: 9, TotalTokens: 129}}
	llm := inferencetest.NewServer(tb,
		inferencetest.ToolCalls(inferencetest.ToolCall{ID: "c1", Name: "weather", Arguments: []string{`{"city":"Paris"}`}}),
		answer)

	type WeatherArgs struct {
		City string `json:"city" jsonschema:"description=the city to look up"`
	}
	weather, err := tools.New("weather", "Current temperature of a city.",
		func(ctx context.Context, in WeatherArgs) (string, error) { return in.City + ": 21 °C", nil },
		tools.ReadOnly())
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	a, err := agent.New(ctx, &agent.Config{Model: "demo", EndpointURL: llm.URL + "/v1", Prompt: "Answer in one sentence."},
		agent.WithTools(weather))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer a.Close()
	end, err := a.Ask(ctx, "How warm is it in Paris?")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(end.Answer)
	fmt.Println(end.Reason, end.Turns, end.Usage.TotalTokens)
	// Output:
	// It is 21 °C in Paris.
	// exit_tool 2 129
}

// Two conversations over one agent: each keeps its own history.
func ExampleAgent_RunConversation() {
	tb := &inferencetest.Standalone{}
	defer tb.Close()
	llm := inferencetest.NewServer(tb, inferencetest.Text("Hello, Ada."), inferencetest.Text("Hello, Alan."))
	ctx := context.Background()
	a, err := agent.New(ctx, &agent.Config{Model: "demo", EndpointURL: llm.URL + "/v1"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer a.Close()
	var ada, alan []inference.ChatMessage
	for _, c := range []struct {
		history *[]inference.ChatMessage
		text    string
	}{{&ada, "I am Ada."}, {&alan, "I am Alan."}} {
		for _, err := range a.RunConversation(ctx, c.history, inference.ChatMessage{Role: inference.RoleUser, Content: c.text}) {
			if err != nil {
				fmt.Println(err)
				return
			}
		}
	}
	fmt.Println(len(ada), ada[1].Content, "->", ada[2].Content)
	fmt.Println(len(alan), alan[1].Content, "->", alan[2].Content)
	// Output:
	// 3 I am Ada. -> Hello, Ada.
	// 3 I am Alan. -> Hello, Alan.
}
