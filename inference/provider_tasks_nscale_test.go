package inference_test

import (
	"testing"

	"github.com/tiny-agents-go/tiny-agents/inference"
)

func TestNscaleTextToImage(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /nscale/v1/images/generations", `{"created":1,"data":[{"b64_json":"`+compatB64(compatPNG)+`"}]}`)
	c := routedClient(t, fake, "nscale", inference.TaskTextToImage)
	out, err := c.TextToImage(t.Context(), "a cat", &inference.TextToImageParameters{
		Width: inference.Ptr(1024), Height: inference.Ptr(768), NumInferenceSteps: inference.Ptr(4),
		GuidanceScale: inference.Ptr(2.0), Seed: inference.Ptr(7),
	})
	compatBlob(t, out, err, compatPNG, "image/png")
	compatCheck(t, fake.only(), compatPost("/nscale/v1/images/generations", "Bearer hf_test",
		`{"response_format":"b64_json","prompt":"a cat","model":"provider-model-id","size":"1024x768","guidance_scale":2,"seed":7}`))
}

func TestNscaleTextToImageKeepsALoneWidth(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /nscale/v1/images/generations", `{"data":[{"b64_json":"`+compatB64(compatPNG)+`"}]}`)
	c := routedClient(t, fake, "nscale", inference.TaskTextToImage)
	_, err := c.TextToImage(t.Context(), "a cat", &inference.TextToImageParameters{Width: inference.Ptr(1024)})
	if err != nil {
		t.Fatal(err)
	}
	sameJSONBody(t, fake.only().Body, `{"response_format":"b64_json","prompt":"a cat","model":"provider-model-id","width":1024}`)
}

func TestNscaleDirectKey(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /v1/images/generations", `{"data":[{"b64_json":"`+compatB64(compatPNG)+`"}]}`)
	c, doer := directClient(t, fake, "nscale", inference.TaskTextToImage)
	out, err := c.TextToImage(t.Context(), "a cat", nil)
	compatBlob(t, out, err, compatPNG, "image/png")
	compatDirectURL(t, doer, "nscale", "/v1/images/generations")
	compatCheck(t, fake.only(), compatPost("/v1/images/generations", "Bearer provider-key",
		`{"response_format":"b64_json","prompt":"a cat","model":"provider-model-id"}`))
}

func TestNscaleWrongShape(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /nscale/v1/images/generations", `{"images":[{"image":"abc"}]}`)
	c := routedClient(t, fake, "nscale", inference.TaskTextToImage)
	_, err := c.TextToImage(t.Context(), "a cat", nil)
	compatResponseError(t, err, inference.TaskTextToImage, "nscale")
}
