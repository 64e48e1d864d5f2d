package inference_test

import (
	"bytes"
	"errors"
	"net/http"
	"testing"

	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
)

func TestEmptyOrSpentInputIsRefused(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST "+hfPath, `[{"label":"hap","score":0.7}]`)
	c := routedClient(t, fake, "hf-inference", inference.TaskAudioClassification)
	if _, err := c.AudioClassification(t.Context(), inference.FromBytes([]byte{}), nil); !errors.Is(err, inference.ErrMedia) {
		t.Errorf("empty bytes: err = %v, want ErrMedia", err)
	}
	m := inference.FromReader(bytes.NewReader(flacBytes))
	if _, err := c.AudioClassification(t.Context(), m, nil); err != nil {
		t.Fatal(err)
	}
	_, err := c.AudioClassification(t.Context(), m, nil)
	if !errors.Is(err, inference.ErrMedia) {
		t.Errorf("reused reader: err = %v, want ErrMedia", err)
	}
	if n := len(fake.Requests()); n != 1 {
		t.Errorf("%d requests sent, want 1", n)
	}
}

func TestPlainDataURLIsPercentDecoded(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST "+hfPath, `[{"label":"x","score":1}]`)
	c := routedClient(t, fake, "hf-inference", inference.TaskImageClassification)
	if _, err := c.ImageClassification(t.Context(), inference.FromURL("data:text/plain,hello%20world"), nil); err != nil {
		t.Fatal(err)
	}
	req := fake.only()
	if string(req.Body) != "hello world" || req.Header.Get("Content-Type") != "text/plain" {
		t.Errorf("sent %q as %q", req.Body, req.Header.Get("Content-Type"))
	}
	if _, err := c.ImageClassification(t.Context(), inference.FromURL("data:text/plain,bad%zz"), nil); !errors.Is(err, inference.ErrMedia) {
		t.Errorf("bad escape: err = %v, want ErrMedia", err)
	}
}

func TestTextGenerationStreamEndsOnAnEmptyGeneratedText(t *testing.T) {
	fake := newFakeAPI(t)
	fake.Status("POST "+hfPath, http.StatusOK, "text/event-stream",
		"data:{\"index\":1,\"token\":{\"id\":2,\"text\":\"</s>\",\"logprob\":0,\"special\":true},\"generated_text\":\"\",\"details\":null}\n\n")
	c := routedClient(t, fake, "hf-inference", inference.TaskTextGeneration)
	n := 0
	for ev, err := range c.TextGenerationStream(t.Context(), "Hello", nil) {
		if err != nil {
			t.Fatalf("event %d: %v", n, err)
		}
		if !ev.Token.Special {
			t.Errorf("event = %+v", ev)
		}
		n++
	}
	if n != 1 {
		t.Errorf("%d events, want 1", n)
	}
}

func TestTextGenerationStreamMalformedEvent(t *testing.T) {
	fake := newFakeAPI(t)
	fake.Status("POST "+hfPath, http.StatusOK, "text/event-stream", "data:{\"token\":\n\n")
	c := routedClient(t, fake, "hf-inference", inference.TaskTextGeneration)
	var err error
	for _, err = range c.TextGenerationStream(t.Context(), "Hello", nil) {
	}
	want := `inference: text-generation from provider hf-inference: malformed event "{\"token\":": unexpected end of JSON input`
	if !errors.Is(err, inference.ErrMalformedStream) || err.Error() != want {
		t.Errorf("err = %v\nwant ErrMalformedStream, %s", err, want)
	}
}

func TestAutoPicksHFInferenceForAnotherPipeline(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /hf-inference/models/org/minilm/pipeline/feature-extraction", `[[0.25,0.5]]`)
	hub := inferencetest.NewHub(t, inferencetest.Model{
		ID:       "org/minilm",
		Mappings: []inferencetest.Mapping{{Provider: "hf-inference", ProviderID: "org/minilm", Task: "sentence-similarity"}},
	})
	c := newClient(t, inference.WithModel("org/minilm"), inference.WithToken("hf_test"),
		inference.WithRouterURL(fake.URL), inference.WithHubURL(hub.URL), inference.WithMaxRetries(0))
	out, err := c.FeatureExtraction(t.Context(), "hi", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Values) != 2 || out.Values[1] != 0.5 {
		t.Errorf("out = %+v", out)
	}
}
