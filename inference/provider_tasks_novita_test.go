package inference_test

import (
	"context"
	"testing"
	"time"

	"github.com/tiny-agents-go/tiny-agents/inference"
)

func TestNovitaTextGeneration(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /novita/v3/openai/completions", compatCompletion)
	c := routedClient(t, fake, "novita", inference.TaskTextGeneration)
	out, err := c.TextGeneration(t.Context(), "Hello", &inference.TextGenerationInputGenerateParameters{TopP: inference.Ptr(0.9)})
	compatCheckCompletion(t, out, err)
	compatCheck(t, fake.only(), compatPost("/novita/v3/openai/completions", "Bearer hf_test",
		`{"prompt":"Hello","top_p":0.9,"model":"provider-model-id","stream":false}`))
}

func TestNovitaTextToVideoPolls(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /novita/v3/async/provider-model-id", `{"task_id":"t-1"}`)
	fake.JSON("GET /novita/v3/async/task-result",
		`{"task":{"task_id":"t-1","status":"TASK_STATUS_QUEUED","progress_percent":0}}`,
		`{"task":{"task_id":"t-1","status":"TASK_STATUS_PROCESSING","progress_percent":50}}`,
		`{"task":{"task_id":"t-1","status":"TASK_STATUS_SUCCEED"},"videos":[{"video_url":"`+fake.URL+`/files/v.mp4","video_type":"mp4"}]}`)
	fake.Bytes("GET /files/v.mp4", "video/mp4", compatMP4)
	c := routedClient(t, fake, "novita", inference.TaskTextToVideo, inference.WithPollInterval(time.Millisecond))
	out, err := c.TextToVideo(t.Context(), "a dog", &inference.TextToVideoParameters{
		NumInferenceSteps: inference.Ptr(20), Seed: inference.Ptr(3), NegativePrompt: []string{"blurry"},
	})
	compatBlob(t, out, err, compatMP4, "video/mp4")
	reqs := compatRequests(t, fake, 5)
	compatCheck(t, reqs[0], compatPost("/novita/v3/async/provider-model-id", "Bearer hf_test",
		`{"prompt":"a dog","steps":20,"seed":3,"negative_prompt":["blurry"]}`))
	for _, r := range reqs[1:4] {
		compatCheck(t, r, compatGet("/novita/v3/async/task-result", "task_id=t-1", "Bearer hf_test"))
	}
	compatCheck(t, reqs[4], compatGet("/files/v.mp4", "", ""))
}

func TestNovitaTextToVideoFailed(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /novita/v3/async/provider-model-id", `{"task_id":"t-2"}`)
	fake.JSON("GET /novita/v3/async/task-result", `{"task":{"task_id":"t-2","status":"TASK_STATUS_FAILED","reason":"nope"}}`)
	c := routedClient(t, fake, "novita", inference.TaskTextToVideo, inference.WithPollInterval(time.Millisecond))
	_, err := c.TextToVideo(t.Context(), "a dog", nil)
	compatIsJobFailed(t, err, "novita")
}

func TestNovitaTextToVideoDeadline(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /novita/v3/async/provider-model-id", `{"task_id":"t-3"}`)
	fake.JSON("GET /novita/v3/async/task-result", `{"task":{"task_id":"t-3","status":"TASK_STATUS_PROCESSING"}}`)
	c := routedClient(t, fake, "novita", inference.TaskTextToVideo, inference.WithPollInterval(time.Millisecond))
	compatDeadline(t, fake, func(ctx context.Context) error {
		_, err := c.TextToVideo(ctx, "a dog", nil)
		return err
	})
}

func TestNovitaDirectKey(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /v3/async/provider-model-id", `{"task_id":"t-4"}`)
	fake.JSON("GET /v3/async/task-result", `{"task":{"status":"TASK_STATUS_SUCCEED"},"videos":[{"video_url":"`+fake.URL+`/files/v.mp4"}]}`)
	fake.Bytes("GET /files/v.mp4", "video/mp4", compatMP4)
	c, doer := directClient(t, fake, "novita", inference.TaskTextToVideo, inference.WithPollInterval(time.Millisecond))
	out, err := c.TextToVideo(t.Context(), "a dog", nil)
	compatBlob(t, out, err, compatMP4, "video/mp4")
	compatDirectURL(t, doer, "novita", "/v3/async/provider-model-id")
	if urls := compatProviderURLs(doer); len(urls) < 2 || urls[1] != inference.DirectBaseURL("novita")+"/v3/async/task-result?task_id=t-4" {
		t.Errorf("poll URLs = %v", urls)
	}
	reqs := compatRequests(t, fake, 3)
	compatCheck(t, reqs[0], compatPost("/v3/async/provider-model-id", "Bearer provider-key", `{"prompt":"a dog"}`))
	compatCheck(t, reqs[1], compatGet("/v3/async/task-result", "task_id=t-4", "Bearer provider-key"))
}

func TestNovitaWrongShape(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /novita/v3/async/provider-model-id", `{"id":"t-5"}`)
	c := routedClient(t, fake, "novita", inference.TaskTextToVideo)
	_, err := c.TextToVideo(t.Context(), "a dog", nil)
	compatResponseError(t, err, inference.TaskTextToVideo, "novita")

	fake.JSON("POST /novita/v3/openai/completions", `{"choices":"none"}`)
	c = routedClient(t, fake, "novita", inference.TaskTextGeneration)
	_, err = c.TextGeneration(t.Context(), "Hello", nil)
	compatResponseError(t, err, inference.TaskTextGeneration, "novita")
}
