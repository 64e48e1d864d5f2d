package inference_test

import (
	"testing"

	"github.com/tiny-agents-go/tiny-agents/inference"
)

func TestScalewayFeatureExtraction(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /scaleway/v1/embeddings", compatEmbeddingsAnswer)
	c := routedClient(t, fake, "scaleway", inference.TaskFeatureExtraction)
	out, err := c.FeatureExtractionBatch(t.Context(), []string{"a", "b"}, &inference.FeatureExtractionParameters{Truncate: inference.Ptr(true)})
	compatCheckEmbeddings(t, out, err)
	compatCheck(t, fake.only(), compatPost("/scaleway/v1/embeddings", "Bearer hf_test",
		`{"input":["a","b"],"model":"provider-model-id","truncate":true}`))
}

func TestScalewayFeatureExtractionOneText(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /scaleway/v1/embeddings", `{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.25,0.5]}]}`)
	c := routedClient(t, fake, "scaleway", inference.TaskFeatureExtraction)
	out, err := c.FeatureExtraction(t.Context(), "hello", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Shape) != 2 || out.Shape[0] != 1 || out.Shape[1] != 2 || out.Values[0] != 0.25 || out.Values[1] != 0.5 {
		t.Errorf("out = %+v", out)
	}
	sameJSONBody(t, fake.only().Body, `{"input":"hello","model":"provider-model-id"}`)
}

func TestScalewayDirectKey(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /v1/embeddings", compatEmbeddingsAnswer)
	c, doer := directClient(t, fake, "scaleway", inference.TaskFeatureExtraction)
	out, err := c.FeatureExtractionBatch(t.Context(), []string{"a", "b"}, nil)
	compatCheckEmbeddings(t, out, err)
	compatDirectURL(t, doer, "scaleway", "/v1/embeddings")
	compatCheck(t, fake.only(), compatPost("/v1/embeddings", "Bearer provider-key", `{"input":["a","b"],"model":"provider-model-id"}`))
}

func TestScalewayWrongShape(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /scaleway/v1/embeddings", `{"object":"list","data":[]}`)
	c := routedClient(t, fake, "scaleway", inference.TaskFeatureExtraction)
	_, err := c.FeatureExtraction(t.Context(), "hello", nil)
	compatResponseError(t, err, inference.TaskFeatureExtraction, "scaleway")
}
