package inference_test

import (
	"context"
	"testing"
	"time"

	"github.com/tiny-agents-go/tiny-agents/inference"
)

// zaiCheckHeaders asserts the two headers zai-org wants on every request.
func zaiCheckHeaders(t *testing.T, r recorded) {
	t.Helper()
	if r.Header.Get("Accept-Language") != "en-US,en" || r.Header.Get("X-Source-Channel") != "hugging_face" {
		t.Errorf("%s %s: headers %v", r.Method, r.Path, r.Header)
	}
}

func TestZaiTextToImagePolls(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /zai-org/api/paas/v4/async/images/generations",
		`{"model":"provider-model-id","id":"task-1","request_id":"r-1","task_status":"PROCESSING"}`)
	fake.JSON("GET /zai-org/api/paas/v4/async-result/task-1",
		`{"model":"provider-model-id","id":"task-1","request_id":"r-1","task_status":"PROCESSING"}`,
		`{"model":"provider-model-id","id":"task-1","request_id":"r-1","task_status":"SUCCESS","image_result":[{"url":"`+fake.URL+`/files/i.png"}]}`)
	fake.Bytes("GET /files/i.png", "image/png", compatPNG)
	c := routedClient(t, fake, "zai-org", inference.TaskTextToImage, inference.WithPollInterval(time.Millisecond))
	out, err := c.TextToImage(t.Context(), "a cat", &inference.TextToImageParameters{
		Width: inference.Ptr(1024), Height: inference.Ptr(1024), Seed: inference.Ptr(5),
	})
	compatBlob(t, out, err, compatPNG, "image/png")
	reqs := compatRequests(t, fake, 4)
	compatCheck(t, reqs[0], compatPost("/zai-org/api/paas/v4/async/images/generations", "Bearer hf_test",
		`{"model":"provider-model-id","prompt":"a cat","size":"1024x1024","seed":5}`))
	for _, r := range reqs[1:3] {
		compatCheck(t, r, compatGet("/zai-org/api/paas/v4/async-result/task-1", "", "Bearer hf_test"))
	}
	for _, r := range reqs[:3] {
		zaiCheckHeaders(t, r)
	}
	compatCheck(t, reqs[3], compatGet("/files/i.png", "", ""))
}

func TestZaiTextToImageAlreadyDone(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /zai-org/api/paas/v4/async/images/generations",
		`{"id":"task-2","task_status":"SUCCESS","image_result":[{"url":"`+fake.URL+`/files/i.png"}]}`)
	fake.Bytes("GET /files/i.png", "image/png", compatPNG)
	c := routedClient(t, fake, "zai-org", inference.TaskTextToImage)
	out, err := c.TextToImage(t.Context(), "a cat", &inference.TextToImageParameters{Width: inference.Ptr(1024)})
	compatBlob(t, out, err, compatPNG, "image/png")
	reqs := compatRequests(t, fake, 2)
	// A lone width makes no size and is left out.
	sameJSONBody(t, reqs[0].Body, `{"model":"provider-model-id","prompt":"a cat"}`)
}

func TestZaiTextToImageFailed(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /zai-org/api/paas/v4/async/images/generations", `{"id":"task-3","task_status":"PROCESSING"}`)
	fake.JSON("GET /zai-org/api/paas/v4/async-result/task-3", `{"id":"task-3","task_status":"FAIL"}`)
	c := routedClient(t, fake, "zai-org", inference.TaskTextToImage, inference.WithPollInterval(time.Millisecond))
	_, err := c.TextToImage(t.Context(), "a cat", nil)
	compatIsJobFailed(t, err, "zai-org")

	// A task refused at once is not polled.
	fake = newFakeAPI(t)
	fake.JSON("POST /zai-org/api/paas/v4/async/images/generations", `{"id":"task-4","task_status":"FAIL"}`)
	c = routedClient(t, fake, "zai-org", inference.TaskTextToImage)
	_, err = c.TextToImage(t.Context(), "a cat", nil)
	compatIsJobFailed(t, err, "zai-org")
	compatRequests(t, fake, 1)
}

func TestZaiTextToImageDeadline(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /zai-org/api/paas/v4/async/images/generations", `{"id":"task-5","task_status":"PROCESSING"}`)
	fake.JSON("GET /zai-org/api/paas/v4/async-result/task-5", `{"id":"task-5","task_status":"PROCESSING"}`)
	c := routedClient(t, fake, "zai-org", inference.TaskTextToImage, inference.WithPollInterval(time.Millisecond))
	compatDeadline(t, fake, func(ctx context.Context) error {
		_, err := c.TextToImage(ctx, "a cat", nil)
		return err
	})
}

func TestZaiDirectKey(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /api/paas/v4/async/images/generations", `{"id":"task-6","task_status":"PROCESSING"}`)
	fake.JSON("GET /api/paas/v4/async-result/task-6", `{"id":"task-6","task_status":"SUCCESS","image_result":[{"url":"`+fake.URL+`/files/i.png"}]}`)
	fake.Bytes("GET /files/i.png", "image/png", compatPNG)
	c, doer := directClient(t, fake, "zai-org", inference.TaskTextToImage, inference.WithPollInterval(time.Millisecond))
	out, err := c.TextToImage(t.Context(), "a cat", nil)
	compatBlob(t, out, err, compatPNG, "image/png")
	compatDirectURL(t, doer, "zai-org", "/api/paas/v4/async/images/generations")
	if urls := compatProviderURLs(doer); len(urls) < 2 || urls[1] != inference.DirectBaseURL("zai-org")+"/api/paas/v4/async-result/task-6" {
		t.Errorf("poll URLs = %v", urls)
	}
	reqs := compatRequests(t, fake, 3)
	compatCheck(t, reqs[0], compatPost("/api/paas/v4/async/images/generations", "Bearer provider-key",
		`{"model":"provider-model-id","prompt":"a cat"}`))
	compatCheck(t, reqs[1], compatGet("/api/paas/v4/async-result/task-6", "", "Bearer provider-key"))
	zaiCheckHeaders(t, reqs[1])
}

func TestZaiWrongShape(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /zai-org/api/paas/v4/async/images/generations", `{"task_status":"PROCESSING"}`)
	c := routedClient(t, fake, "zai-org", inference.TaskTextToImage)
	_, err := c.TextToImage(t.Context(), "a cat", nil)
	compatResponseError(t, err, inference.TaskTextToImage, "zai-org")

	fake = newFakeAPI(t)
	fake.JSON("POST /zai-org/api/paas/v4/async/images/generations", `{"id":"task-7","task_status":"SUCCESS","image_result":[]}`)
	c = routedClient(t, fake, "zai-org", inference.TaskTextToImage)
	_, err = c.TextToImage(t.Context(), "a cat", nil)
	compatResponseError(t, err, inference.TaskTextToImage, "zai-org")
}
