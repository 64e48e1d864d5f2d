package inferencetest_test

import (
	"bufio"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
)

func TestInterval(t *testing.T) {
	const interval = 40 * time.Millisecond
	srv := inferencetest.NewServer(t, inferencetest.Step{
		Text:      []string{"a", "b"},
		ToolCalls: []inferencetest.ToolCall{{ID: "c", Name: "f", Arguments: []string{"{}"}}},
		Interval:  interval,
	})
	start := time.Now()
	resp := mustPost(t, srv.URL, streamRequest)
	// Every chunk but the [DONE] that follows the finish chunk comes one
	// interval after the one before: 2 content chunks, 2 tool-call chunks
	// and the finish chunk.
	sc := bufio.NewScanner(resp.Body)
	var got []string
	for sc.Scan() {
		data, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok {
			continue
		}
		got = append(got, data)
		if data == "[DONE]" {
			break
		}
		if elapsed, want := time.Since(start), time.Duration(len(got))*interval; elapsed < want {
			t.Errorf("chunk %d came after %s, want at least %s", len(got), elapsed, want)
		}
	}
	if len(got) != 6 || !strings.Contains(got[4], `"finish_reason":"tool_calls"`) {
		t.Errorf("events = %q, want 5 chunks then [DONE]", got)
	}
}

// TestIntervalEndsWhenClientGoesAway checks that the headers come at once
// and that a client leaving during an interval ends the handler.
func TestIntervalEndsWhenClientGoesAway(t *testing.T) {
	srv := inferencetest.NewServer(t, inferencetest.Step{Text: []string{"a"}, Interval: time.Hour})
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	resp, err := post(ctx, t, srv.URL, streamRequest)
	if err != nil {
		t.Fatalf("POST: %v, want the headers before the first interval ends", err)
	}
	cancel()
	if got, err := events(t, resp.Body); len(got) != 0 || !errors.Is(err, context.Canceled) {
		t.Errorf("got %q, %v; want no event, then context.Canceled", got, err)
	}
	resp.Body.Close()
	if !srv.WaitIdle(2 * time.Second) {
		t.Error("handler still running 2s after the client went away")
	}
}

// TestStallPoints checks where each kind of stall stops: before the
// headers, or after them.
func TestStallPoints(t *testing.T) {
	const nonStreamRequest = `{"model":"org/model","messages":[{"role":"user","content":"hi"}]}`
	tests := map[string]struct {
		step        inferencetest.Step
		body        string
		wantHeaders bool
	}{
		"Unresponsive, streamed":     {inferencetest.Unresponsive(), streamRequest, false},
		"Unresponsive, not streamed": {inferencetest.Unresponsive(), nonStreamRequest, false},
		"Unresponsive, error status": {inferencetest.Step{StallBeforeHeaders: true, Status: 500}, nonStreamRequest, false},
		"Stall, streamed":            {inferencetest.Step{Stall: true}, streamRequest, true},
		"Stall, not streamed":        {inferencetest.Step{Stall: true}, nonStreamRequest, false},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			srv := inferencetest.NewServer(t, tt.step)
			ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
			defer cancel()
			resp, err := post(ctx, t, srv.URL, tt.body)
			if gotHeaders := err == nil; gotHeaders != tt.wantHeaders {
				t.Errorf("POST: err = %v, want the headers: %t", err, tt.wantHeaders)
			}
			if err == nil {
				if got, err := events(t, resp.Body); len(got) != 0 || !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("got %q, %v; want no event, then the deadline", got, err)
				}
				resp.Body.Close()
			} else if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("POST: err = %v, want the deadline", err)
			}
			if !srv.WaitIdle(2 * time.Second) {
				t.Error("handler still running 2s after the client went away")
			}
		})
	}
}

func TestAlways(t *testing.T) {
	srv := inferencetest.NewServer(t, inferencetest.Text("first"))
	srv.Always(inferencetest.Text("again"))
	c, err := inference.NewClient(inference.WithBaseURL(srv.URL + "/v1"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"first", "again", "again"} {
		out, err := c.ChatCompletion(t.Context(), &inference.ChatCompletionInput{Messages: []inference.ChatMessage{{Role: inference.RoleUser, Content: "x"}}})
		if err != nil || out.Choices[0].Message.Content != want {
			t.Fatalf("got %+v, %v; want %q", out, err, want)
		}
	}
}
