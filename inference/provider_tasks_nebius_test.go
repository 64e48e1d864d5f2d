package inference_test

import (
	"testing"

	"github.com/tiny-agents-go/tiny-agents/inference"
)

func TestNebiusTextGeneration(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /nebius/v1/completions", compatCompletion)
	c := routedClient(t, fake, "nebius", inference.TaskTextGeneration)
	out, err := c.TextGeneration(t.Context(), "Hello", &inference.TextGenerationInputGenerateParameters{MaxNewTokens: inference.Ptr(5)})
	compatCheckCompletion(t, out, err)
	compatCheck(t, fake.only(), compatPost("/nebius/v1/completions", "Bearer hf_test",
		`{"prompt":"Hello","max_new_tokens":5,"model":"provider-model-id","stream":false}`))
}

func TestNebiusFeatureExtractionSendsNoParameters(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /nebius/v1/embeddings", compatEmbeddingsAnswer)
	c := routedClient(t, fake, "nebius", inference.TaskFeatureExtraction)
	out, err := c.FeatureExtractionBatch(t.Context(), []string{"a", "b"}, &inference.FeatureExtractionParameters{Normalize: inference.Ptr(true)})
	compatCheckEmbeddings(t, out, err)
	compatCheck(t, fake.only(), compatPost("/nebius/v1/embeddings", "Bearer hf_test",
		`{"input":["a","b"],"model":"provider-model-id"}`))
}

func TestNebiusTextToImage(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /nebius/v1/images/generations", `{"id":"i","data":[{"b64_json":"`+compatB64(compatPNG)+`"}]}`)
	c := routedClient(t, fake, "nebius", inference.TaskTextToImage)
	out, err := c.TextToImage(t.Context(), "a cat", &inference.TextToImageParameters{
		Width: inference.Ptr(512), Height: inference.Ptr(512), NumInferenceSteps: inference.Ptr(4), GuidanceScale: inference.Ptr(3.5),
	})
	compatBlob(t, out, err, compatPNG, "image/png")
	compatCheck(t, fake.only(), compatPost("/nebius/v1/images/generations", "Bearer hf_test",
		`{"prompt":"a cat","response_format":"b64_json","model":"provider-model-id","width":512,"height":512,"num_inference_steps":4}`))
}

func TestNebiusDirectKey(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /v1/embeddings", compatEmbeddingsAnswer)
	c, doer := directClient(t, fake, "nebius", inference.TaskFeatureExtraction)
	out, err := c.FeatureExtractionBatch(t.Context(), []string{"a", "b"}, nil)
	compatCheckEmbeddings(t, out, err)
	compatDirectURL(t, doer, "nebius", "/v1/embeddings")
	compatCheck(t, fake.only(), compatPost("/v1/embeddings", "Bearer provider-key", `{"input":["a","b"],"model":"provider-model-id"}`))
}

func TestNebiusWrongShape(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /nebius/v1/completions", `{"choices":[{"index":0}]}`)
	c := routedClient(t, fake, "nebius", inference.TaskTextGeneration)
	_, err := c.TextGeneration(t.Context(), "Hello", nil)
	compatResponseError(t, err, inference.TaskTextGeneration, "nebius")

	fake.JSON("POST /nebius/v1/images/generations", `{"data":[{"b64_json":"not base64!"}]}`)
	c = routedClient(t, fake, "nebius", inference.TaskTextToImage)
	_, err = c.TextToImage(t.Context(), "a cat", nil)
	compatResponseError(t, err, inference.TaskTextToImage, "nebius")
}
