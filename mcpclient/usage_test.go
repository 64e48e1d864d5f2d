package mcpclient_test

import (
	"errors"
	"net/http"
	"reflect"
	"testing"

	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

// streamOptions is the stream_options field of request i, nil if absent.
func streamOptions(t *testing.T, llm *inferencetest.Server, i int) any {
	t.Helper()
	return llm.Request(i).JSON(t)["stream_options"]
}

var includeUsage = map[string]any{"include_usage": true}

func TestTurnAsksForUsage(t *testing.T) {
	c, llm := newClient(t, inferencetest.Step{Text: []string{"hi"}, Usage: &inferencetest.Usage{PromptTokens: 5, CompletionTokens: 1, TotalTokens: 6}})
	msgs := []inference.ChatMessage{{Role: inference.RoleUser, Content: "go"}}
	r := runTurn(t, t.Context(), c, &msgs, mcpclient.TurnOptions{})
	if r.err != nil {
		t.Fatal(r.err)
	}
	if got := streamOptions(t, llm, 0); !reflect.DeepEqual(got, includeUsage) {
		t.Errorf("stream_options = %v, want %v", got, includeUsage)
	}
	if want := (inference.Usage{PromptTokens: 5, CompletionTokens: 1, TotalTokens: 6}); len(r.ends) != 1 || r.ends[0].Usage == nil || *r.ends[0].Usage != want {
		t.Errorf("turn ends %+v, want usage %+v", r.ends, want)
	}
}

func TestStreamOptionsRefused(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
	}{
		{"400", http.StatusBadRequest, `{"error":{"message":"Unrecognized request argument supplied: stream_options"}}`},
		{"422", http.StatusUnprocessableEntity, `{"detail":"Extra inputs are not permitted: body.stream_options"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, llm := newClient(t, inferencetest.HTTPError(tc.status, tc.body), inferencetest.Text("hi"), inferencetest.Text("again"))
			msgs := []inference.ChatMessage{{Role: inference.RoleUser, Content: "go"}}
			if r := runTurn(t, t.Context(), c, &msgs, mcpclient.TurnOptions{}); r.err != nil || len(msgs) != 2 || msgs[1].Content != "hi" {
				t.Fatalf("err %v, history %+v: want the turn answered by the second attempt", r.err, msgs)
			}
			msgs = append(msgs, inference.ChatMessage{Role: inference.RoleUser, Content: "more"})
			if r := runTurn(t, t.Context(), c, &msgs, mcpclient.TurnOptions{}); r.err != nil || msgs[len(msgs)-1].Content != "again" {
				t.Fatalf("second turn: err %v", r.err)
			}
			for i, want := range []any{includeUsage, nil, nil} {
				if got := streamOptions(t, llm, i); !reflect.DeepEqual(got, want) {
					t.Errorf("request %d: stream_options = %v, want %v", i, got, want)
				}
			}
		})
	}
}

func TestOtherBadRequestIsNotRetried(t *testing.T) {
	c, llm := newClient(t, inferencetest.HTTPError(http.StatusBadRequest, `{"error":{"message":"messages: too long"}}`), inferencetest.Text("hi"))
	msgs := []inference.ChatMessage{{Role: inference.RoleUser, Content: "go"}}
	r := runTurn(t, t.Context(), c, &msgs, mcpclient.TurnOptions{})
	var he *inference.HTTPError
	if !errors.As(r.err, &he) || he.StatusCode != http.StatusBadRequest || len(llm.Requests()) != 1 {
		t.Fatalf("err %v after %d requests: want the 400, not retried", r.err, len(llm.Requests()))
	}
	if r := runTurn(t, t.Context(), c, &msgs, mcpclient.TurnOptions{}); r.err != nil {
		t.Fatal(r.err)
	}
	if got := streamOptions(t, llm, 1); !reflect.DeepEqual(got, includeUsage) {
		t.Errorf("the next turn sent stream_options = %v, want %v", got, includeUsage)
	}
}
