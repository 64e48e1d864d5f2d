package inference_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/tiny-agents-go/tiny-agents/inference"
)

// The calls beside the tasks: the streaming escape hatch, and the health
// and description of a deployed TGI or TEI endpoint.

// tgiTokenEvents is a TGI token stream: two tokens, the last with the text.
const tgiTokenEvents = "data: {\"index\":1,\"token\":{\"id\":17,\"text\":\" sun\",\"logprob\":-0.4,\"special\":false},\"generated_text\":null,\"details\":null}\n\n" +
	"data: {\"index\":2,\"token\":{\"id\":4,\"text\":\"ny\",\"logprob\":-0.1,\"special\":false},\"generated_text\":\" sunny\",\"details\":null}\n\n"

func TestPostStream(t *testing.T) {
	fake := newFakeAPI(t)
	fake.Status("POST "+hfPath, 200, "text/event-stream", tgiTokenEvents)
	c := routedClient(t, fake, "hf-inference", inference.TaskTextGeneration)
	var got []string
	for ev, err := range c.PostStream(t.Context(), inference.TaskTextGeneration,
		map[string]any{"inputs": "Tomorrow will be", "parameters": map[string]any{"max_new_tokens": 2}, "stream": true}) {
		if err != nil {
			t.Fatal(err)
		}
		var e struct {
			Token struct{ Text string } `json:"token"`
		}
		if err := json.Unmarshal(ev, &e); err != nil {
			t.Fatal(err)
		}
		got = append(got, e.Token.Text)
	}
	if !reflect.DeepEqual(got, []string{" sun", "ny"}) {
		t.Errorf("tokens = %q", got)
	}
	req := fake.only()
	compatCheck(t, req, compatPost(hfPath, "Bearer hf_test",
		`{"inputs":"Tomorrow will be","parameters":{"max_new_tokens":2},"stream":true}`))
	if a := req.Header.Get("Accept"); a != "text/event-stream" {
		t.Errorf("Accept = %q", a)
	}
}

func TestPostStreamErrors(t *testing.T) {
	tests := map[string]struct {
		status int
		body   string
		check  func(error) bool
	}{
		"error event": {200, "data: {\"token\":{\"text\":\"a\"}}\n\ndata: {\"error\":\"Model is overloaded\",\"error_type\":\"overloaded\"}\n\n",
			func(err error) bool {
				var se *inference.StreamError
				return errors.As(err, &se) && se.Message == "Model is overloaded"
			}},
		"malformed event": {200, "data: {\"token\":{\"text\":\"a\"}}\n\ndata: not json\n\n",
			func(err error) bool { return errors.Is(err, inference.ErrMalformedStream) }},
		"HTTP error": {503, `{"error":"loading"}`,
			func(err error) bool { var he *inference.HTTPError; return errors.As(err, &he) && he.StatusCode == 503 }},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			fake := newFakeAPI(t)
			fake.Status("POST "+hfPath, tt.status, "text/event-stream", tt.body)
			c := routedClient(t, fake, "hf-inference", inference.TaskTextGeneration)
			var last error
			for _, err := range c.PostStream(t.Context(), inference.TaskTextGeneration, map[string]any{"inputs": "x", "stream": true}) {
				last = err
			}
			if !tt.check(last) {
				t.Errorf("err = %v (%T)", last, last)
			}
		})
	}
}

func TestHealthCheck(t *testing.T) {
	fake := newFakeAPI(t)
	fake.Status("GET /endpoint/health", 200, "", "")
	c := newClient(t, inference.WithModel(fake.URL+"/endpoint/"), inference.WithToken("hf_test"), inference.WithMaxRetries(3))
	if err := c.HealthCheck(t.Context(), ""); err != nil {
		t.Fatal(err)
	}
	compatCheck(t, fake.only(), compatGet("/endpoint/health", "", "Bearer hf_test"))

	// A model still loading answers 503: reported at once, not retried.
	fake = newFakeAPI(t)
	fake.Status("GET /endpoint/health", 503, "application/json", `{"error":"Model is loading"}`)
	err := c.HealthCheck(t.Context(), fake.URL+"/endpoint")
	var he *inference.HTTPError
	if !errors.As(err, &he) || he.StatusCode != 503 {
		t.Fatalf("err = %v, want the 503", err)
	}
	compatRequests(t, fake, 1)

	if err := c.HealthCheck(t.Context(), "org/model"); !errors.Is(err, inference.ErrInvalidOption) {
		t.Errorf("Hub id: err = %v, want ErrInvalidOption", err)
	}
}

func TestEndpointInfo(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("GET /endpoint/info", `{"model_id":"org/model","model_dtype":"torch.float16","max_input_tokens":8191,"version":"3.3.4"}`)
	c := newClient(t, inference.WithModel(fake.URL+"/endpoint"), inference.WithToken("hf_test"), inference.WithMaxRetries(0))
	info, err := c.EndpointInfo(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"model_id": "org/model", "model_dtype": "torch.float16", "max_input_tokens": 8191.0, "version": "3.3.4"}
	if !reflect.DeepEqual(info, want) {
		t.Errorf("info = %v", info)
	}
	compatCheck(t, fake.only(), compatGet("/endpoint/info", "", "Bearer hf_test"))
}

func TestEndpointInfoOfAHubModel(t *testing.T) {
	fake := newFakeAPI(t)
	fake.Status("GET /hf-inference/models/org/model/info", 200, "application/json", "")
	c := routedClient(t, fake, "hf-inference", inference.TaskTextGeneration)
	info, err := c.EndpointInfo(t.Context(), "")
	if err != nil || len(info) != 0 {
		t.Fatalf("info = %v, err = %v; want an empty description", info, err)
	}
	compatCheck(t, fake.only(), compatGet("/hf-inference/models/org/model/info", "", "Bearer hf_test"))

	c = routedClient(t, fake, "together", inference.TaskTextGeneration)
	if _, err := c.EndpointInfo(t.Context(), ""); !errors.Is(err, inference.ErrNotOffered) {
		t.Errorf("together: err = %v, want ErrNotOffered", err)
	}
}
