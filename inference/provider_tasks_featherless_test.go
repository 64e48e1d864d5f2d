package inference_test

import (
	"testing"

	"github.com/tiny-agents-go/tiny-agents/inference"
)

func TestFeatherlessTextGeneration(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /featherless-ai/v1/completions", compatCompletion)
	c := routedClient(t, fake, "featherless-ai", inference.TaskTextGeneration)
	out, err := c.TextGeneration(t.Context(), "Hello", &inference.TextGenerationInputGenerateParameters{
		MaxNewTokens: inference.Ptr(5), Stop: []string{"\n"},
	})
	compatCheckCompletion(t, out, err)
	compatCheck(t, fake.only(), compatPost("/featherless-ai/v1/completions", "Bearer hf_test",
		`{"prompt":"Hello","max_tokens":5,"stop":["\n"],"model":"provider-model-id","stream":false}`))
}

func TestFeatherlessDirectKey(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /v1/completions", compatCompletion)
	c, doer := directClient(t, fake, "featherless-ai", inference.TaskTextGeneration)
	out, err := c.TextGeneration(t.Context(), "Hello", nil)
	compatCheckCompletion(t, out, err)
	compatDirectURL(t, doer, "featherless-ai", "/v1/completions")
	compatCheck(t, fake.only(), compatPost("/v1/completions", "Bearer provider-key",
		`{"prompt":"Hello","model":"provider-model-id","stream":false}`))
}

func TestFeatherlessWrongShape(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /featherless-ai/v1/completions", `[1,2,3]`)
	c := routedClient(t, fake, "featherless-ai", inference.TaskTextGeneration)
	_, err := c.TextGeneration(t.Context(), "Hello", nil)
	compatResponseError(t, err, inference.TaskTextGeneration, "featherless-ai")
}
