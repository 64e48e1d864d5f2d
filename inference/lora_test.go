package inference_test

import (
	"testing"

	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
)

// loraClient routes org/lora to provider as providerID, a LoRA whose
// weights are lora.safetensors in the org/lora repo.
func loraClient(t *testing.T, fake *fakeAPI, provider, providerID string, task inference.Task) (*inference.Client, string) {
	t.Helper()
	hub := inferencetest.NewHub(t, inferencetest.Model{
		ID: "org/lora",
		Mappings: []inferencetest.Mapping{{Provider: provider, ProviderID: providerID, Task: string(task),
			AdapterWeightsPath: "lora.safetensors"}},
	})
	c := newClient(t, inference.WithProvider(provider), inference.WithModel("org/lora"), inference.WithToken("hf_test"),
		inference.WithRouterURL(fake.URL), inference.WithHubURL(hub.URL), inference.WithMaxRetries(0))
	return c, hub.URL
}

func TestFalAILoRA(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /fal-ai/fal-ai/lora", `{"images":[{"url":"`+fake.URL+`/files/out.png"}]}`)
	fake.Bytes("GET /files/out.png", "image/png", asyncPNG)
	c, hub := loraClient(t, fake, "fal-ai", "fal-ai/lora", inference.TaskTextToImage)
	if _, err := c.TextToImage(t.Context(), "a cat", nil); err != nil {
		t.Fatal(err)
	}
	sameJSONBody(t, fake.Requests()[0].Body, `{"prompt":"a cat","loras":[{"path":"`+hub+`/org/lora/resolve/main/lora.safetensors","scale":1}],`+
		`"model_name":"stabilityai/stable-diffusion-xl-base-1.0"}`)
}

func TestReplicateLoRA(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /replicate/v1/models/owner/flux-lora/predictions", `{"id":"p1","status":"succeeded","output":"`+fake.URL+`/files/out.png"}`)
	fake.Bytes("GET /files/out.png", "image/png", asyncPNG)
	c, hub := loraClient(t, fake, "replicate", "owner/flux-lora", inference.TaskTextToImage)
	if _, err := c.TextToImage(t.Context(), "a cat", nil); err != nil {
		t.Fatal(err)
	}
	sameJSONBody(t, fake.Requests()[0].Body, `{"input":{"prompt":"a cat","lora_weights":"`+hub+`/org/lora"}}`)
}
