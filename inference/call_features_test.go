package inference_test

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"math"
	"testing"

	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
)

// Per-call provider, the new content parts and the OpenAI embedding
// options, each checked on the wire.

// chatAnswer is a minimal chat completion.
const chatAnswer = `{"id":"c1","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}]}`

// twoProviderHub maps org/model to hf-inference and together for task.
func twoProviderHub(t *testing.T, task inference.Task) *inferencetest.Hub {
	return inferencetest.NewHub(t, inferencetest.Model{ID: "org/model", Mappings: []inferencetest.Mapping{
		{Provider: "hf-inference", ProviderID: "org/model", Task: string(task)},
		{Provider: "together", ProviderID: "together-id", Task: string(task)},
	}})
}

func TestProviderCallOption(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /together/v1/embeddings", compatEmbeddingsAnswer)
	hub := twoProviderHub(t, inference.TaskFeatureExtraction)
	c := newClient(t, inference.WithProvider("hf-inference"), inference.WithModel("org/model"), inference.WithToken("hf_test"),
		inference.WithRouterURL(fake.URL), inference.WithHubURL(hub.URL), inference.WithMaxRetries(0))
	out, err := c.FeatureExtractionBatch(t.Context(), []string{"a", "b"}, nil, inference.Provider("together"))
	compatCheckEmbeddings(t, out, err)
	compatCheck(t, fake.only(), compatPost("/together/v1/embeddings", "Bearer hf_test", `{"input":["a","b"],"model":"together-id"}`))

	if _, err := c.FeatureExtraction(t.Context(), "a", nil, inference.Provider("nobody")); !errors.Is(err, inference.ErrUnknownProvider) {
		t.Errorf("unknown provider: err = %v", err)
	}
	_, err = c.FeatureExtraction(t.Context(), "a", nil, inference.Model(fake.URL+"/endpoint"), inference.Provider("together"))
	if !errors.Is(err, inference.ErrInvalidOption) {
		t.Errorf("URL model with a provider: err = %v", err)
	}
	compatRequests(t, fake, 1)
}

func TestChatProviderPerCall(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /together/v1/chat/completions", chatAnswer)
	hub := twoProviderHub(t, inference.TaskConversational)
	c := newClient(t, inference.WithModel("org/model"), inference.WithToken("hf_test"),
		inference.WithRouterURL(fake.URL), inference.WithHubURL(hub.URL), inference.WithMaxRetries(0))
	in := &inference.ChatCompletionInput{Provider: "together", Messages: userMessage("hi")}
	if _, err := c.ChatCompletion(t.Context(), in); err != nil {
		t.Fatal(err)
	}
	compatCheck(t, fake.only(), compatPost("/together/v1/chat/completions", "Bearer hf_test",
		`{"model":"together-id","messages":[{"role":"user","content":"hi"}],"stream":false}`))
	in.Provider = "nobody"
	if _, err := c.ChatCompletion(t.Context(), in); !errors.Is(err, inference.ErrUnknownProvider) {
		t.Errorf("unknown provider: err = %v", err)
	}
}

func TestChatAudioAndFileParts(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /together/v1/chat/completions", chatAnswer)
	c := routedClient(t, fake, "together", inference.TaskConversational)
	pdf := []byte("%PDF-1.7 fake document")
	in := &inference.ChatCompletionInput{Messages: []inference.ChatMessage{{Role: inference.RoleUser, Parts: []inference.ContentPart{
		inference.TextPart("Summarise both."),
		inference.AudioPart(asyncWAV, "wav"),
		inference.FilePart("minutes.pdf", "application/pdf", pdf),
		{Type: "file", File: &inference.FileInput{FileID: "file-abc123"}},
	}}}}
	if _, err := c.ChatCompletion(t.Context(), in); err != nil {
		t.Fatal(err)
	}
	compatCheck(t, fake.only(), compatPost("/together/v1/chat/completions", "Bearer hf_test",
		`{"model":"provider-model-id","messages":[{"role":"user","content":[`+
			`{"type":"text","text":"Summarise both."},`+
			`{"type":"input_audio","input_audio":{"data":"`+compatB64(asyncWAV)+`","format":"wav"}},`+
			`{"type":"file","file":{"file_data":"data:application/pdf;base64,`+compatB64(pdf)+`","filename":"minutes.pdf"}},`+
			`{"type":"file","file":{"file_id":"file-abc123"}}]}],"stream":false}`))
}

// float32Base64 encodes values as the OpenAI API's base64 embeddings:
// little-endian float32.
func float32Base64(values ...float32) string {
	b := make([]byte, 4*len(values))
	for i, v := range values {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	return base64.StdEncoding.EncodeToString(b)
}

func TestFeatureExtractionDimensionsAndBase64(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /together/v1/embeddings", `{"object":"list","model":"provider-model-id","data":[`+
		`{"object":"embedding","index":0,"embedding":"`+float32Base64(0.5, -1.25, 3)+`"},`+
		`{"object":"embedding","index":1,"embedding":"`+float32Base64(1, 2, -0.5)+`"}]}`)
	c := routedClient(t, fake, "together", inference.TaskFeatureExtraction)
	out, err := c.FeatureExtractionBatch(t.Context(), []string{"a", "b"}, &inference.FeatureExtractionParameters{
		Dimensions: inference.Ptr(3), EncodingFormat: inference.EmbeddingEncodingBase64,
	})
	compatCheckEmbeddings(t, out, err)
	compatCheck(t, fake.only(), compatPost("/together/v1/embeddings", "Bearer hf_test",
		`{"input":["a","b"],"model":"provider-model-id","dimensions":3,"encoding_format":"base64"}`))
}

func TestFeatureExtractionOpenAIOptionsOnly(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /nebius/v1/embeddings", compatEmbeddingsAnswer)
	c := routedClient(t, fake, "nebius", inference.TaskFeatureExtraction)
	p := &inference.FeatureExtractionParameters{Normalize: inference.Ptr(true), Dimensions: inference.Ptr(3), EncodingFormat: inference.EmbeddingEncodingFloat}
	out, err := c.FeatureExtractionBatch(t.Context(), []string{"a", "b"}, p)
	compatCheckEmbeddings(t, out, err)
	// nebius takes the OpenAI options, not Text Embeddings Inference's.
	compatCheck(t, fake.only(), compatPost("/nebius/v1/embeddings", "Bearer hf_test",
		`{"input":["a","b"],"model":"provider-model-id","dimensions":3,"encoding_format":"float"}`))
}

func TestFeatureExtractionDimensionsHFInference(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /hf-inference/models/org/model/pipeline/feature-extraction", `[[0.5,-1.25,3]]`)
	c := routedClient(t, fake, "hf-inference", inference.TaskFeatureExtraction)
	if _, err := c.FeatureExtraction(t.Context(), "a", &inference.FeatureExtractionParameters{Dimensions: inference.Ptr(3)}); err != nil {
		t.Fatal(err)
	}
	compatCheck(t, fake.only(), compatPost("/hf-inference/models/org/model/pipeline/feature-extraction", "Bearer hf_test",
		`{"inputs":"a","dimensions":3}`))
}

func TestFeatureExtractionBadBase64(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /together/v1/embeddings", `{"data":[{"embedding":"AAAA="}]}`)
	c := routedClient(t, fake, "together", inference.TaskFeatureExtraction)
	_, err := c.FeatureExtraction(t.Context(), "a", nil)
	compatResponseError(t, err, inference.TaskFeatureExtraction, "together")
}
