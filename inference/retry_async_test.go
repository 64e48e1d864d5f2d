package inference_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
)

// Retries around asynchronous jobs: once a provider has acknowledged a
// submission with a job id, only the polls and result fetches (GETs) are
// retried; the job is never submitted again.

// retryingClient is asyncRoutedClient with two retries.
func retryingClient(t *testing.T, fake *fakeAPI, provider string, task inference.Task) *inference.Client {
	t.Helper()
	hub := inferencetest.NewHub(t, inferencetest.Model{
		ID: "org/model", Mappings: []inferencetest.Mapping{{Provider: provider, ProviderID: "provider-model-id", Task: string(task)}},
	})
	return newClient(t, inference.WithProvider(provider), inference.WithModel("org/model"), inference.WithToken("hf_test"),
		inference.WithRouterURL(fake.URL), inference.WithHubURL(hub.URL), inference.WithMaxRetries(2),
		inference.WithPollInterval(time.Millisecond))
}

// countRequests counts the fake's requests of method and path.
func countRequests(fake *fakeAPI, method, path string) int {
	n := 0
	for _, r := range fake.Requests() {
		if r.Method == method && r.Path == path {
			n++
		}
	}
	return n
}

func TestFailedPollsDoNotResubmitTheJob(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /fal-ai/provider-model-id", `{"request_id":"req-1","status":"IN_QUEUE","response_url":"`+fake.URL+`/org-app/requests/req-1"}`)
	fake.Status("GET /fal-ai/org-app/requests/req-1/status", 500, "application/json", `{"detail":"internal"}`)
	fake.JSON("GET /fal-ai/org-app/requests/req-1/status", `{"status":"COMPLETED"}`)
	fake.Status("GET /fal-ai/org-app/requests/req-1", 502, "text/html", "bad gateway")
	fake.JSON("GET /fal-ai/org-app/requests/req-1", `{"video":{"url":"`+fake.URL+`/files/out.mp4"}}`)
	fake.Bytes("GET /files/out.mp4", "video/mp4", asyncMP4)
	c := retryingClient(t, fake, "fal-ai", inference.TaskTextToVideo)
	video, err := c.TextToVideo(t.Context(), "a fox", nil)
	if err != nil {
		t.Fatal(err)
	}
	sameBlob(t, video, asyncMP4, "video/mp4")
	if n := countRequests(fake, "POST", "/fal-ai/provider-model-id"); n != 1 {
		t.Errorf("the job was submitted %d times, want once", n)
	}
	if n := countRequests(fake, "GET", "/fal-ai/org-app/requests/req-1/status"); n != 2 {
		t.Errorf("%d status polls, want the failed one retried once", n)
	}
	if n := countRequests(fake, "GET", "/fal-ai/org-app/requests/req-1"); n != 2 {
		t.Errorf("%d result fetches, want the failed one retried once", n)
	}
}

func TestPollFailingForGoodEndsWithoutResubmitting(t *testing.T) {
	fake := newFakeAPI(t)
	replicatePredicted(fake, "POST /replicate/v1/models/provider-model-id/predictions")
	fake.Status("GET /replicate/v1/predictions/p1", 503, "application/json", `{"detail":"unavailable"}`)
	c := retryingClient(t, fake, "replicate", inference.TaskTextToImage)
	_, err := c.TextToImage(t.Context(), "a fox", nil)
	var he *inference.HTTPError
	if !errors.As(err, &he) || he.StatusCode != 503 {
		t.Fatalf("err = %v, want the poll's 503", err)
	}
	if !strings.Contains(err.Error(), "predictions/p1") {
		t.Errorf("err = %v, want it to name the job", err)
	}
	if n := countRequests(fake, "POST", "/replicate/v1/models/provider-model-id/predictions"); n != 1 {
		t.Errorf("the prediction was created %d times, want once", n)
	}
	if n := countRequests(fake, "GET", "/replicate/v1/predictions/p1"); n != 3 {
		t.Errorf("%d polls, want 1 + 2 retries", n)
	}
}

func TestUnacknowledgedSubmissionIsRetried(t *testing.T) {
	fake := newFakeAPI(t)
	// A 503 carries no job id: nothing was acknowledged, so the
	// submission is sent again.
	fake.Status("POST /together/v2/videos", 503, "application/json", `{"error":{"message":"overloaded"}}`)
	fake.JSON("POST /together/v2/videos", `{"id":"job-4","status":"completed","outputs":{"video_url":"`+fake.URL+`/files/v.mp4"}}`)
	fake.Bytes("GET /files/v.mp4", "video/mp4", asyncMP4)
	c := retryingClient(t, fake, "together", inference.TaskTextToVideo)
	if _, err := c.TextToVideo(t.Context(), "a fox", nil); err != nil {
		t.Fatal(err)
	}
	if n := countRequests(fake, "POST", "/together/v2/videos"); n != 2 {
		t.Errorf("%d submissions, want 2", n)
	}
}
