package inference_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
)

// A client for an OpenAI-compatible endpoint; here the package's fake
// stands in for a local server.
func ExampleClient_ChatCompletion() {
	tb := &inferencetest.Standalone{}
	defer tb.Close()
	srv := inferencetest.NewServer(tb, inferencetest.Text("Paris."))

	client, err := inference.NewClient(inference.WithBaseURL(srv.URL + "/v1"))
	if err != nil {
		fmt.Println(err)
		return
	}
	out, err := client.ChatCompletion(context.Background(), &inference.ChatCompletionInput{
		Model:    "my-local-model",
		Messages: []inference.ChatMessage{{Role: inference.RoleUser, Content: "Capital of France?"}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(out.Choices[0].Message.Content, out.Choices[0].FinishReason)
	// Output: Paris. stop
}

func ExampleClient_ChatCompletionStream() {
	tb := &inferencetest.Standalone{}
	defer tb.Close()
	srv := inferencetest.NewServer(tb, inferencetest.Text("Once", " upon", " a time"))

	client, err := inference.NewClient(inference.WithBaseURL(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}
	in := &inference.ChatCompletionInput{
		Messages: []inference.ChatMessage{{Role: inference.RoleUser, Content: "Tell me a story."}},
	}
	for chunk, err := range client.ChatCompletionStream(context.Background(), in) {
		if err != nil {
			fmt.Println("\nerror:", err)
			return
		}
		for _, c := range chunk.Choices {
			fmt.Print(c.Delta.Content)
		}
	}
	fmt.Println()
	// Output: Once upon a time
}

// The accumulator rebuilds tool calls whose arguments arrive in pieces.
func ExampleChatCompletionAccumulator() {
	tb := &inferencetest.Standalone{}
	defer tb.Close()
	srv := inferencetest.NewServer(tb, inferencetest.ToolCalls(inferencetest.ToolCall{
		ID: "call_1", Name: "get_weather", Arguments: []string{`{"city":`, ` "Lyon"}`},
	}))
	client, err := inference.NewClient(inference.WithBaseURL(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}
	var acc inference.ChatCompletionAccumulator
	in := &inference.ChatCompletionInput{
		Messages: []inference.ChatMessage{{Role: inference.RoleUser, Content: "Weather in Lyon?"}},
		Tools: []inference.Tool{{Type: "function", Function: inference.FunctionDefinition{
			Name: "get_weather", Parameters: map[string]any{"type": "object"}}}},
	}
	for chunk, err := range client.ChatCompletionStream(context.Background(), in) {
		if err != nil {
			fmt.Println(err)
			return
		}
		if err := acc.Add(chunk); err != nil {
			fmt.Println(err)
			return
		}
		if tc, ok := acc.JustFinishedToolCall(); ok {
			fmt.Println(tc.Function.Name, tc.Function.Arguments)
		}
	}
	// Output: get_weather {"city": "Lyon"}
}

// Naming a provider: with an hf_ token the call goes through the router,
// with the provider's own key straight to the provider.
func ExampleWithProvider() {
	client, err := inference.NewClient(
		inference.WithModel("openai/gpt-oss-120b"),
		inference.WithProvider("groq"),
		inference.WithToken("hf_xxx"),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(client.Provider(), client.Model())
	// Output: groq openai/gpt-oss-120b
}

// Invalid combinations are refused when the client is built.
func ExampleNewClient_invalid() {
	_, err := inference.NewClient(inference.WithProvider("no-such-provider"))
	fmt.Println(strings.SplitN(err.Error(), " (", 2)[0])
	// Output: inference: unknown provider: "no-such-provider"
}
