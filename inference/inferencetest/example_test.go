package inferencetest_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
)

func ExampleNewServer() {
	tb := &inferencetest.Standalone{}
	defer tb.Close()
	srv := inferencetest.NewServer(tb, inferencetest.Text("Hello", ", world"))

	resp, err := http.Post(srv.URL+"/v1/chat/completions", "application/json",
		strings.NewReader(`{"model":"demo","stream":true,"messages":[{"role":"user","content":"hi"}]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()

	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		data, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok || data == "[DONE]" {
			continue
		}
		var chunk struct {
			Choices []struct {
				Delta        struct{ Content string }
				FinishReason *string `json:"finish_reason"`
			}
		}
		if err := json.Unmarshal([]byte(data), &chunk); err != nil {
			fmt.Println(err)
			return
		}
		if c := chunk.Choices[0]; c.FinishReason != nil {
			fmt.Println("finish:", *c.FinishReason)
		} else {
			fmt.Printf("piece: %q\n", c.Delta.Content)
		}
	}
	// Output:
	// piece: "Hello"
	// piece: ", world"
	// finish: stop
}
