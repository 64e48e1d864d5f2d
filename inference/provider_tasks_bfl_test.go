package inference_test

import (
	"context"
	"testing"
	"time"

	"github.com/tiny-agents-go/tiny-agents/inference"
)

// bflCreated is the creation answer naming a polling URL on the fake.
func bflCreated(fake *fakeAPI, id string) string {
	return `{"id":"` + id + `","polling_url":"` + fake.URL + `/bfl/v1/get_result?id=` + id + `"}`
}

func TestBlackForestLabsTextToImagePolls(t *testing.T) {
	fake := newFakeAPI(t)
	jpeg := []byte("\xff\xd8\xff\xe0 fake jpeg")
	fake.JSON("POST /black-forest-labs/v1/provider-model-id", bflCreated(fake, "req-1"))
	fake.JSON("GET /bfl/v1/get_result",
		`{"id":"req-1","status":"Pending","result":null,"progress":0.5}`,
		`{"id":"req-1","status":"Ready","result":{"sample":"`+fake.URL+`/files/sample.jpg","prompt":"a cat"}}`)
	fake.Bytes("GET /files/sample.jpg", "image/jpeg", jpeg)
	c := routedClient(t, fake, "black-forest-labs", inference.TaskTextToImage, inference.WithPollInterval(time.Millisecond))
	out, err := c.TextToImage(t.Context(), "a cat", &inference.TextToImageParameters{
		NumInferenceSteps: inference.Ptr(28), GuidanceScale: inference.Ptr(3.5), Width: inference.Ptr(1024), Height: inference.Ptr(768),
	})
	compatBlob(t, out, err, jpeg, "image/jpeg")
	reqs := compatRequests(t, fake, 4)
	compatCheck(t, reqs[0], compatPost("/black-forest-labs/v1/provider-model-id", "Bearer hf_test",
		`{"prompt":"a cat","steps":28,"guidance":3.5,"width":1024,"height":768}`))
	// The polling URL is Black Forest Labs' own: the Hugging Face token
	// must not go there.
	for _, r := range reqs[1:3] {
		compatCheck(t, r, compatGet("/bfl/v1/get_result", "id=req-1", ""))
		if r.Header.Get("X-Key") != "" || r.Header.Get("X-HF-Bill-To") != "" {
			t.Errorf("poll carries credentials: %v", r.Header)
		}
	}
	compatCheck(t, reqs[3], compatGet("/files/sample.jpg", "", ""))
}

func TestBlackForestLabsDirectKeyUsesXKey(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /v1/provider-model-id", bflCreated(fake, "req-2"))
	fake.JSON("GET /bfl/v1/get_result", `{"id":"req-2","status":"Ready","result":{"sample":"`+fake.URL+`/files/s.png"}}`)
	fake.Bytes("GET /files/s.png", "image/png", compatPNG)
	c, doer := directClient(t, fake, "black-forest-labs", inference.TaskTextToImage, inference.WithPollInterval(time.Millisecond))
	out, err := c.TextToImage(t.Context(), "a cat", nil)
	compatBlob(t, out, err, compatPNG, "image/png")
	compatDirectURL(t, doer, "black-forest-labs", "/v1/provider-model-id")
	reqs := compatRequests(t, fake, 3)
	compatCheck(t, reqs[0], compatPost("/v1/provider-model-id", "", `{"prompt":"a cat"}`))
	compatCheck(t, reqs[1], compatGet("/bfl/v1/get_result", "id=req-2", ""))
	for _, r := range reqs[:2] {
		if got := r.Header.Get("X-Key"); got != "provider-key" {
			t.Errorf("%s %s: X-Key = %q", r.Method, r.Path, got)
		}
	}
	if reqs[2].Header.Get("X-Key") != "" {
		t.Error("the download carries the key")
	}
}

func TestBlackForestLabsModerated(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /black-forest-labs/v1/provider-model-id", bflCreated(fake, "req-3"))
	fake.JSON("GET /bfl/v1/get_result", `{"id":"req-3","status":"Content Moderated","result":null}`)
	c := routedClient(t, fake, "black-forest-labs", inference.TaskTextToImage, inference.WithPollInterval(time.Millisecond))
	_, err := c.TextToImage(t.Context(), "a cat", nil)
	compatIsJobFailed(t, err, "black-forest-labs")
}

func TestBlackForestLabsDeadline(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /black-forest-labs/v1/provider-model-id", bflCreated(fake, "req-4"))
	fake.JSON("GET /bfl/v1/get_result", `{"id":"req-4","status":"Pending"}`)
	c := routedClient(t, fake, "black-forest-labs", inference.TaskTextToImage, inference.WithPollInterval(time.Millisecond))
	compatDeadline(t, fake, func(ctx context.Context) error {
		_, err := c.TextToImage(ctx, "a cat", nil)
		return err
	})
}

func TestBlackForestLabsWrongShape(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /black-forest-labs/v1/provider-model-id", `{"id":"req-5"}`)
	c := routedClient(t, fake, "black-forest-labs", inference.TaskTextToImage)
	_, err := c.TextToImage(t.Context(), "a cat", nil)
	compatResponseError(t, err, inference.TaskTextToImage, "black-forest-labs")
}
