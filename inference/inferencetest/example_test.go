package inferencetest_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
)

// exampleTB is the smallest inferencetest.TB: it prints failures and runs
// cleanups when the example ends.
type exampleTB struct{ cleanups []func() }

func (*exampleTB) Helper() {}

func (*exampleTB) Errorf(format string, args ...any) { fmt.Printf("FAIL: "+format+"\n", args...) }

func (tb *exampleTB) Cleanup(f func()) { tb.cleanups = append(tb.cleanups, f) }

func (tb *exampleTB) finish() {
	for i := len(tb.cleanups) - 1; i >= 0; i-- {
		tb.cleanups[i]()
	}
}

func ExampleNewServer() {
	tb := &exampleTB{}
	defer tb.finish()
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
