package inference_test

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/tiny-agents-go/tiny-agents/inference"
)

// A deployed TGI or TEI endpoint says whether it is ready and what it
// serves.
func ExampleClient_HealthCheck() {
	srv := endpoint("application/json", `{"model_id":"org/model","max_input_tokens":8191}`)
	defer srv.Close()
	client, err := inference.NewClient(inference.WithModel(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := client.HealthCheck(context.Background(), ""); err != nil {
		fmt.Println("not ready:", err)
		return
	}
	info, err := client.EndpointInfo(context.Background(), "")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("ready:", info["model_id"])
	// Output: ready: org/model
}

// PostStream sends a body of the caller's making and yields each
// server-sent event as raw JSON, for streams no typed method covers.
func ExampleClient_PostStream() {
	srv := endpoint("text/event-stream", "data: {\"token\":{\"text\":\"Hel\"}}\n\ndata: {\"token\":{\"text\":\"lo\"}}\n\ndata: [DONE]\n\n")
	defer srv.Close()
	client, err := inference.NewClient(inference.WithModel(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}
	body := map[string]any{"inputs": "Say hello", "stream": true}
	for event, err := range client.PostStream(context.Background(), inference.TaskTextGeneration, body) {
		if err != nil {
			fmt.Println(err)
			return
		}
		var e struct {
			Token struct{ Text string } `json:"token"`
		}
		if err := json.Unmarshal(event, &e); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Print(e.Token.Text)
	}
	fmt.Println()
	// Output: Hello
}
