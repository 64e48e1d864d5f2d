package inference_test

import (
	"context"
	"encoding/base64"
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
)

// Sample result files, with the magic bytes content sniffing knows.
var (
	asyncPNG = []byte("\x89PNG\r\n\x1a\n fake image")
	asyncMP4 = []byte("\x00\x00\x00\x18ftypmp42 fake video")
	asyncWAV = []byte("RIFF\x24\x00\x00\x00WAVEfmt fake sound")
)

// asyncWant is one request a test expects the fake to have received. An
// empty body means a request without a body (and without Content-Type).
type asyncWant struct {
	method, path, query, auth, body string
}

// checkAsyncRequests compares the fake's requests with want, in order:
// method, path, query, Authorization, Content-Type and the JSON body.
func checkAsyncRequests(t *testing.T, got []recorded, want []asyncWant) {
	t.Helper()
	if len(got) != len(want) {
		for _, r := range got {
			t.Logf("got %s %s?%s", r.Method, r.Path, r.Query)
		}
		t.Fatalf("fake got %d requests, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Method != w.method || g.Path != w.path || g.Query != w.query {
			t.Errorf("request %d = %s %s?%s, want %s %s?%s", i, g.Method, g.Path, g.Query, w.method, w.path, w.query)
		}
		if a := g.Header.Get("Authorization"); a != w.auth {
			t.Errorf("request %d (%s): Authorization = %q, want %q", i, w.path, a, w.auth)
		}
		wantCT := ""
		if w.body != "" {
			wantCT = "application/json"
		}
		if ct := g.Header.Get("Content-Type"); ct != wantCT {
			t.Errorf("request %d (%s): Content-Type = %q, want %q", i, w.path, ct, wantCT)
		}
		if w.body == "" {
			if len(g.Body) != 0 {
				t.Errorf("request %d (%s): unexpected body %s", i, w.path, g.Body)
			}
			continue
		}
		sameJSONBody(t, g.Body, w.body)
	}
}

// asyncRoutedClient is routedClient with the provider model id given, and
// polls every millisecond.
func asyncRoutedClient(t *testing.T, fake *fakeAPI, provider, providerID string, task inference.Task) *inference.Client {
	t.Helper()
	hub := inferencetest.NewHub(t, inferencetest.Model{
		ID:       "org/model",
		Mappings: []inferencetest.Mapping{{Provider: provider, ProviderID: providerID, Task: string(task)}},
	})
	return newClient(t, inference.WithProvider(provider), inference.WithModel("org/model"), inference.WithToken("hf_test"),
		inference.WithRouterURL(fake.URL), inference.WithHubURL(hub.URL), inference.WithMaxRetries(0),
		inference.WithPollInterval(time.Millisecond))
}

// sameBlob fails unless b holds data with content type ct.
func sameBlob(t *testing.T, b *inference.Blob, data []byte, ct string) {
	t.Helper()
	if b == nil || string(b.Data) != string(data) || b.ContentType != ct {
		t.Errorf("blob = %+v, want %q (%s)", b, data, ct)
	}
}

// checkDirectURL fails unless the URL the client built has path and no
// query, on a host that is not the loopback (the provider's real host).
func checkDirectURL(t *testing.T, raw, path string) {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if u.Path != path || u.RawQuery != "" || u.Hostname() == "127.0.0.1" || u.Scheme != "https" {
		t.Errorf("direct URL = %s, want https://<provider host>%s", raw, path)
	}
}

// providerURLs returns the URLs the direct client built for the
// provider's hosts, leaving out the fake Hub's and the fake files'.
func providerURLs(doer *loopbackDoer) []string {
	var out []string
	for _, raw := range doer.URLs() {
		if u, err := url.Parse(raw); err == nil && u.Hostname() != "127.0.0.1" {
			out = append(out, raw)
		}
	}
	return out
}

// falQueued scripts fal's queue for provider-model-id through the router:
// the submission, the status answers in turn, then the result.
func falQueued(fake *fakeAPI, result string, statuses ...string) {
	fake.JSON("POST /fal-ai/provider-model-id", `{"request_id":"req-1","status":"IN_QUEUE",`+
		`"response_url":"`+fake.URL+`/org-app/requests/req-1","status_url":"`+fake.URL+`/org-app/requests/req-1/status"}`)
	for _, s := range statuses {
		fake.JSON("GET /fal-ai/org-app/requests/req-1/status", `{"status":"`+s+`"}`)
	}
	fake.JSON("GET /fal-ai/org-app/requests/req-1", result)
}

// falQueueWants is what a routed queued call sends: the submission with
// body, polls statuses, the result, then the download of file.
func falQueueWants(body string, polls int, file string) []asyncWant {
	q := "_subdomain=queue"
	w := []asyncWant{{"POST", "/fal-ai/provider-model-id", q, "Bearer hf_test", body}}
	for range polls {
		w = append(w, asyncWant{"GET", "/fal-ai/org-app/requests/req-1/status", q, "Bearer hf_test", ""})
	}
	w = append(w, asyncWant{"GET", "/fal-ai/org-app/requests/req-1", q, "Bearer hf_test", ""})
	if file != "" {
		w = append(w, asyncWant{"GET", file, "", "", ""})
	}
	return w
}

func TestFalAIAutomaticSpeechRecognition(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /fal-ai/provider-model-id", `{"text":"hello world","chunks":[{"text":"hello world","timestamp":[0,1.5]}]}`)
	c := asyncRoutedClient(t, fake, "fal-ai", "provider-model-id", inference.TaskAutomaticSpeechRecognition)
	out, err := c.AutomaticSpeechRecognition(context.Background(), inference.FromBytes(asyncWAV), &inference.AutomaticSpeechRecognitionParameters{ReturnTimestamps: inference.Ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	want := &inference.AutomaticSpeechRecognitionOutput{Text: "hello world", Chunks: []inference.AutomaticSpeechRecognitionOutputChunk{{Text: "hello world", Timestamp: []float64{0, 1.5}}}}
	if !reflect.DeepEqual(out, want) {
		t.Errorf("out = %+v", out)
	}
	// fal's decoder refuses the audio/wav label and takes audio/x-wav.
	audio := "data:audio/x-wav;base64," + base64.StdEncoding.EncodeToString(asyncWAV)
	checkAsyncRequests(t, fake.Requests(), []asyncWant{
		{"POST", "/fal-ai/provider-model-id", "", "Bearer hf_test", `{"audio_url":"` + audio + `","return_timestamps":true}`},
	})
}

func TestFalAITextToImage(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /fal-ai/provider-model-id", `{"images":[{"url":"`+fake.URL+`/files/out.png","width":512,"height":256}],"seed":7}`)
	fake.Bytes("GET /files/out.png", "image/png", asyncPNG)
	c := asyncRoutedClient(t, fake, "fal-ai", "provider-model-id", inference.TaskTextToImage)
	img, err := c.TextToImage(context.Background(), "a cat", &inference.TextToImageParameters{Width: inference.Ptr(512), Height: inference.Ptr(256), Seed: inference.Ptr(7)})
	if err != nil {
		t.Fatal(err)
	}
	sameBlob(t, img, asyncPNG, "image/png")
	checkAsyncRequests(t, fake.Requests(), []asyncWant{
		{"POST", "/fal-ai/provider-model-id", "", "Bearer hf_test", `{"prompt":"a cat","image_size":{"width":512,"height":256},"seed":7}`},
		{"GET", "/files/out.png", "", "", ""},
	})
}

func TestFalAITextToSpeech(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /fal-ai/provider-model-id", `{"audio":{"url":"`+fake.URL+`/files/out.wav","content_type":"audio/wav"}}`)
	fake.Bytes("GET /files/out.wav", "audio/wav", asyncWAV)
	c := asyncRoutedClient(t, fake, "fal-ai", "provider-model-id", inference.TaskTextToSpeech)
	sound, err := c.TextToSpeech(context.Background(), "Hello", nil, inference.ExtraBody(map[string]any{"voice": "af"}))
	if err != nil {
		t.Fatal(err)
	}
	sameBlob(t, sound, asyncWAV, "audio/wav")
	checkAsyncRequests(t, fake.Requests(), []asyncWant{
		{"POST", "/fal-ai/provider-model-id", "", "Bearer hf_test", `{"text":"Hello","voice":"af"}`},
		{"GET", "/files/out.wav", "", "", ""},
	})
}

func TestFalAITextToVideoPollsTheQueue(t *testing.T) {
	fake := newFakeAPI(t)
	falQueued(fake, `{"video":{"url":"`+fake.URL+`/files/out.mp4"}}`, "IN_QUEUE", "IN_PROGRESS", "COMPLETED")
	fake.Bytes("GET /files/out.mp4", "video/mp4", asyncMP4)
	c := asyncRoutedClient(t, fake, "fal-ai", "provider-model-id", inference.TaskTextToVideo)
	video, err := c.TextToVideo(context.Background(), "a cat walking", &inference.TextToVideoParameters{NumFrames: inference.Ptr(16.0)})
	if err != nil {
		t.Fatal(err)
	}
	sameBlob(t, video, asyncMP4, "video/mp4")
	checkAsyncRequests(t, fake.Requests(), falQueueWants(`{"prompt":"a cat walking","num_frames":16}`, 3, "/files/out.mp4"))
}

func TestFalAIImageToVideo(t *testing.T) {
	fake := newFakeAPI(t)
	falQueued(fake, `{"video":{"url":"`+fake.URL+`/files/out.mp4"}}`, "IN_PROGRESS", "COMPLETED")
	fake.Bytes("GET /files/out.mp4", "video/mp4", asyncMP4)
	c := asyncRoutedClient(t, fake, "fal-ai", "provider-model-id", inference.TaskImageToVideo)
	video, err := c.ImageToVideo(context.Background(), inference.FromURL(fake.URL+"/in/cat.png"), &inference.ImageToVideoParameters{Prompt: "make it move"})
	if err != nil {
		t.Fatal(err)
	}
	sameBlob(t, video, asyncMP4, "video/mp4")
	// An input given by URL is passed on as its URL, without being
	// downloaded first (the fake has no file there).
	want := falQueueWants(`{"image_url":"`+fake.URL+`/in/cat.png","prompt":"make it move"}`, 2, "/files/out.mp4")
	checkAsyncRequests(t, fake.Requests(), want)
}

func TestFalAIImageToImage(t *testing.T) {
	fake := newFakeAPI(t)
	falQueued(fake, `{"images":[{"url":"`+fake.URL+`/files/out.png"}]}`, "COMPLETED")
	fake.Bytes("GET /files/out.png", "image/png", asyncPNG)
	c := asyncRoutedClient(t, fake, "fal-ai", "provider-model-id", inference.TaskImageToImage)
	p := &inference.ImageToImageParameters{Prompt: "make it blue", TargetSize: &inference.ImageToImageParametersTargetSize{Width: 32, Height: 64}}
	img, err := c.ImageToImage(context.Background(), inference.FromBytes(asyncPNG), p)
	if err != nil {
		t.Fatal(err)
	}
	sameBlob(t, img, asyncPNG, "image/png")
	in := "data:image/png;base64," + base64.StdEncoding.EncodeToString(asyncPNG)
	body := `{"image_url":"` + in + `","image_urls":["` + in + `"],"prompt":"make it blue","image_size":{"width":32,"height":64}}`
	checkAsyncRequests(t, fake.Requests(), falQueueWants(body, 1, "/files/out.png"))
}

func TestFalAIImageSegmentation(t *testing.T) {
	mask := base64.StdEncoding.EncodeToString(asyncPNG)
	for _, tt := range []struct {
		name, link, file string
	}{
		{"inline mask", "data:image/png;base64," + mask, ""},
		{"mask URL", "/files/mask.png", "/files/mask.png"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFakeAPI(t)
			link := tt.link
			if tt.file != "" {
				link = fake.URL + tt.file
				fake.Bytes("GET "+tt.file, "image/png", asyncPNG)
			}
			falQueued(fake, `{"image":{"url":"`+link+`","content_type":"image/png"}}`, "IN_PROGRESS", "COMPLETED")
			c := asyncRoutedClient(t, fake, "fal-ai", "provider-model-id", inference.TaskImageSegmentation)
			out, err := c.ImageSegmentation(context.Background(), inference.FromBytes(asyncPNG), &inference.ImageSegmentationParameters{Threshold: inference.Ptr(0.5)})
			if err != nil {
				t.Fatal(err)
			}
			want := []inference.ImageSegmentationOutputElement{{Label: "mask", Mask: mask, Score: inference.Ptr(1.0)}}
			if !reflect.DeepEqual(out, want) {
				t.Errorf("out = %+v", out)
			}
			body := `{"image_url":"data:image/png;base64,` + mask + `","threshold":0.5,"sync_mode":true}`
			checkAsyncRequests(t, fake.Requests(), falQueueWants(body, 2, tt.file))
		})
	}
}

func TestFalAIDirectKey(t *testing.T) {
	t.Run("queue", func(t *testing.T) {
		fake := newFakeAPI(t)
		fake.JSON("POST /provider-model-id", `{"request_id":"req-1","status":"IN_QUEUE","response_url":"`+fake.URL+`/org-app/requests/req-1"}`)
		fake.JSON("GET /org-app/requests/req-1/status", `{"status":"IN_PROGRESS"}`, `{"status":"COMPLETED"}`)
		fake.JSON("GET /org-app/requests/req-1", `{"video":{"url":"`+fake.URL+`/files/out.mp4"}}`)
		fake.Bytes("GET /files/out.mp4", "video/mp4", asyncMP4)
		c, doer := directClient(t, fake, "fal-ai", inference.TaskTextToVideo, inference.WithPollInterval(time.Millisecond))
		if _, err := c.TextToVideo(context.Background(), "a cat", nil); err != nil {
			t.Fatal(err)
		}
		checkAsyncRequests(t, fake.Requests(), []asyncWant{
			{"POST", "/provider-model-id", "", "Key provider-key", `{"prompt":"a cat"}`},
			{"GET", "/org-app/requests/req-1/status", "", "Key provider-key", ""},
			{"GET", "/org-app/requests/req-1/status", "", "Key provider-key", ""},
			{"GET", "/org-app/requests/req-1", "", "Key provider-key", ""},
			{"GET", "/files/out.mp4", "", "", ""},
		})
		urls := providerURLs(doer)
		if len(urls) != 4 {
			t.Fatalf("provider URLs = %v, want 4", urls)
		}
		checkDirectURL(t, urls[0], "/provider-model-id")
		// The queue is another host than fal.run; the polls stay on it.
		u0, _ := url.Parse(urls[0])
		if base, _ := url.Parse(inference.DirectBaseURL("fal-ai")); u0.Host == base.Host {
			t.Errorf("queued call went to %s, the synchronous host", u0.Host)
		}
		checkDirectURL(t, urls[1], "/org-app/requests/req-1/status")
		if u1, _ := url.Parse(urls[1]); u1.Host != u0.Host {
			t.Errorf("poll host %s, want the queue host %s", u1.Host, u0.Host)
		}
	})
	t.Run("synchronous", func(t *testing.T) {
		fake := newFakeAPI(t)
		fake.JSON("POST /provider-model-id", `{"text":"hi"}`)
		c, doer := directClient(t, fake, "fal-ai", inference.TaskAutomaticSpeechRecognition)
		if _, err := c.AutomaticSpeechRecognition(context.Background(), inference.FromBytes([]byte("ID3 fake mp3")).WithContentType("audio/mpeg"), nil); err != nil {
			t.Fatal(err)
		}
		body := `{"audio_url":"data:audio/mpeg;base64,` + base64.StdEncoding.EncodeToString([]byte("ID3 fake mp3")) + `"}`
		checkAsyncRequests(t, fake.Requests(), []asyncWant{{"POST", "/provider-model-id", "", "Key provider-key", body}})
		if got, want := providerURLs(doer), inference.DirectBaseURL("fal-ai")+"/provider-model-id"; len(got) != 1 || got[0] != want {
			t.Errorf("URLs = %v, want [%s]", got, want)
		}
	})
}

func TestFalAIJobFailed(t *testing.T) {
	for _, status := range []string{
		`{"status":"FAILED","error":"out of memory"}`,
		`{"status":"COMPLETED","error":"out of memory"}`,
	} {
		fake := newFakeAPI(t)
		falQueued(fake, `{"video":{"url":"`+fake.URL+`/files/out.mp4"}}`)
		fake.JSON("GET /fal-ai/org-app/requests/req-1/status", `{"status":"IN_QUEUE"}`, status)
		c := asyncRoutedClient(t, fake, "fal-ai", "provider-model-id", inference.TaskTextToVideo)
		_, err := c.TextToVideo(context.Background(), "a cat", nil)
		if !errors.Is(err, inference.ErrJobFailed) || !strings.Contains(err.Error(), "out of memory") ||
			!strings.Contains(err.Error(), "text-to-video") || !strings.Contains(err.Error(), "fal-ai") ||
			strings.Count(err.Error(), "inference:") != 1 {
			t.Errorf("%s: err = %v, want ErrJobFailed naming the task, provider and reason", status, err)
		}
	}
}

func TestFalAIPollDeadline(t *testing.T) {
	fake := newFakeAPI(t)
	falQueued(fake, `{}`, "IN_PROGRESS")
	c := asyncRoutedClient(t, fake, "fal-ai", "provider-model-id", inference.TaskImageToVideo)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.ImageToVideo(ctx, inference.FromBytes(asyncPNG), nil)
	if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, inference.ErrTimeout) {
		t.Errorf("err = %v, want a deadline", err)
	}
}

func TestFalAIUnexpectedResponse(t *testing.T) {
	for _, tt := range []struct {
		name string
		task inference.Task
		call func(c *inference.Client) error
		// script answers the call with a wrongly shaped answer
		script func(f *fakeAPI)
	}{
		{"no image", inference.TaskTextToImage,
			func(c *inference.Client) error { _, err := c.TextToImage(context.Background(), "x", nil); return err },
			func(f *fakeAPI) { f.JSON("POST /fal-ai/provider-model-id", `{"images":[]}`) }},
		{"no transcript", inference.TaskAutomaticSpeechRecognition,
			func(c *inference.Client) error {
				_, err := c.AutomaticSpeechRecognition(context.Background(), inference.FromBytes(asyncWAV), nil)
				return err
			},
			func(f *fakeAPI) { f.JSON("POST /fal-ai/provider-model-id", `{"text":123}`) }},
		{"no request id", inference.TaskTextToVideo,
			func(c *inference.Client) error { _, err := c.TextToVideo(context.Background(), "x", nil); return err },
			func(f *fakeAPI) { f.JSON("POST /fal-ai/provider-model-id", `{"status":"IN_QUEUE"}`) }},
		{"no video", inference.TaskTextToVideo,
			func(c *inference.Client) error { _, err := c.TextToVideo(context.Background(), "x", nil); return err },
			func(f *fakeAPI) { falQueued(f, `{"detail":"nothing"}`, "COMPLETED") }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFakeAPI(t)
			tt.script(fake)
			err := tt.call(asyncRoutedClient(t, fake, "fal-ai", "provider-model-id", tt.task))
			var re *inference.ResponseError
			if !errors.As(err, &re) || !strings.Contains(err.Error(), string(tt.task)) || !strings.Contains(err.Error(), "fal-ai") {
				t.Errorf("err = %v, want a ResponseError naming %s and fal-ai", err, tt.task)
			}
		})
	}
}
