package inference_test

import (
	"testing"

	"github.com/tiny-agents-go/tiny-agents/inference"
)

func TestHyperbolicTextToImage(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /hyperbolic/v1/images/generations", `{"images":[{"index":0,"image":"`+compatB64(compatPNG)+`","random_seed":1}],"inference_time":1.2}`)
	c := routedClient(t, fake, "hyperbolic", inference.TaskTextToImage)
	out, err := c.TextToImage(t.Context(), "a cat", &inference.TextToImageParameters{
		NumInferenceSteps: inference.Ptr(30), GuidanceScale: inference.Ptr(5.0), Height: inference.Ptr(768),
	})
	compatBlob(t, out, err, compatPNG, "image/png")
	compatCheck(t, fake.only(), compatPost("/hyperbolic/v1/images/generations", "Bearer hf_test",
		`{"prompt":"a cat","model_name":"provider-model-id","steps":30,"cfg_scale":5,"width":512,"height":768}`))
}

func TestHyperbolicTextGeneration(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /hyperbolic/v1/chat/completions", `{"id":"c","object":"chat.completion","model":"provider-model-id",
		"choices":[{"index":0,"message":{"role":"assistant","content":"Hi!"},"finish_reason":"stop","logprobs":null}]}`)
	c := routedClient(t, fake, "hyperbolic", inference.TaskTextGeneration)
	out, err := c.TextGeneration(t.Context(), "Hello", &inference.TextGenerationInputGenerateParameters{
		MaxNewTokens: inference.Ptr(5), Temperature: inference.Ptr(0.1),
	})
	if err != nil {
		t.Fatal(err)
	}
	if out.GeneratedText != "Hi!" || out.Details == nil || out.Details.FinishReason != "stop" {
		t.Errorf("out = %+v", out)
	}
	compatCheck(t, fake.only(), compatPost("/hyperbolic/v1/chat/completions", "Bearer hf_test",
		`{"messages":[{"role":"user","content":"Hello"}],"max_tokens":5,"temperature":0.1,"model":"provider-model-id"}`))
}

func TestHyperbolicTextGenerationRefusesToStream(t *testing.T) {
	fake := newFakeAPI(t)
	c := routedClient(t, fake, "hyperbolic", inference.TaskTextGeneration)
	for _, err := range c.TextGenerationStream(t.Context(), "Hello", nil) {
		if err == nil {
			t.Fatal("streamed from hyperbolic")
		}
	}
	if n := len(fake.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

func TestHyperbolicDirectKey(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /v1/images/generations", `{"images":[{"image":"`+compatB64(compatPNG)+`"}]}`)
	c, doer := directClient(t, fake, "hyperbolic", inference.TaskTextToImage)
	out, err := c.TextToImage(t.Context(), "a cat", nil)
	compatBlob(t, out, err, compatPNG, "image/png")
	compatDirectURL(t, doer, "hyperbolic", "/v1/images/generations")
	compatCheck(t, fake.only(), compatPost("/v1/images/generations", "Bearer provider-key",
		`{"prompt":"a cat","model_name":"provider-model-id","width":512,"height":512}`))
}

func TestHyperbolicWrongShape(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /hyperbolic/v1/images/generations", `{"data":[{"b64_json":"abc"}]}`)
	c := routedClient(t, fake, "hyperbolic", inference.TaskTextToImage)
	_, err := c.TextToImage(t.Context(), "a cat", nil)
	compatResponseError(t, err, inference.TaskTextToImage, "hyperbolic")

	fake.JSON("POST /hyperbolic/v1/chat/completions", `{"choices":[{"message":{"role":"assistant"}}]}`)
	c = routedClient(t, fake, "hyperbolic", inference.TaskTextGeneration)
	_, err = c.TextGeneration(t.Context(), "Hello", nil)
	compatResponseError(t, err, inference.TaskTextGeneration, "hyperbolic")
}
