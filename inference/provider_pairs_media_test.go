package inference_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"image/png"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
)

// The provider x task pairs of the JS registry that joined ours: media
// tasks, all asynchronous. Each test serves the provider's own answer
// shapes and checks every request.

// pngDataURL is asyncPNG as a data URL.
var pngDataURL = "data:image/png;base64," + compatB64(asyncPNG)

func TestFalAITextToAudio(t *testing.T) {
	fake := newFakeAPI(t)
	falQueued(fake, `{"audio_file":{"url":"`+fake.URL+`/files/waves.wav","content_type":"audio/wav","file_name":"waves.wav"}}`, "IN_PROGRESS", "COMPLETED")
	fake.Bytes("GET /files/waves.wav", "audio/wav", asyncWAV)
	c := asyncRoutedClient(t, fake, "fal-ai", "provider-model-id", inference.TaskTextToAudio)
	sound, err := c.TextToAudio(t.Context(), "waves on pebbles", nil, inference.ExtraBody(map[string]any{"seconds_total": 10}))
	if err != nil {
		t.Fatal(err)
	}
	sameBlob(t, sound, asyncWAV, "audio/wav")
	checkAsyncRequests(t, fake.Requests(), falQueueWants(`{"prompt":"waves on pebbles","seconds_total":10}`, 2, "/files/waves.wav"))
}

func TestFalAIAudioToAudio(t *testing.T) {
	fake := newFakeAPI(t)
	falQueued(fake, `{"audio":{"url":"`+fake.URL+`/files/reply.wav","content_type":"audio/wav"},"text":"hello there"}`, "COMPLETED")
	fake.Bytes("GET /files/reply.wav", "audio/wav", asyncWAV)
	c := asyncRoutedClient(t, fake, "fal-ai", "provider-model-id", inference.TaskAudioToAudio)
	out, err := c.AudioToAudio(t.Context(), inference.FromBytes(asyncWAV))
	if err != nil {
		t.Fatal(err)
	}
	want := []inference.AudioToAudioOutput{{Label: "hello there", Blob: inference.Blob{Data: asyncWAV, ContentType: "audio/wav"}}}
	if !reflect.DeepEqual(out, want) {
		t.Errorf("out = %+v", out)
	}
	// fal's data-URL decoder takes audio/x-wav, not audio/wav.
	body := `{"audio_url":"data:audio/x-wav;base64,` + compatB64(asyncWAV) + `"}`
	checkAsyncRequests(t, fake.Requests(), falQueueWants(body, 1, "/files/reply.wav"))
}

func TestFalAIImageTextToImage(t *testing.T) {
	result := func(fake *fakeAPI) string {
		return `{"images":[{"url":"` + fake.URL + `/files/out.png","width":64,"height":64}],"seed":1}`
	}
	p := &inference.ImageTextToImageParameters{Prompt: "add a red hat", NumInferenceSteps: inference.Ptr(20)}
	t.Run("with an image", func(t *testing.T) {
		fake := newFakeAPI(t)
		falQueued(fake, result(fake), "COMPLETED")
		fake.Bytes("GET /files/out.png", "image/png", asyncPNG)
		c := asyncRoutedClient(t, fake, "fal-ai", "provider-model-id", inference.TaskImageTextToImage)
		img, err := c.ImageTextToImage(t.Context(), inference.FromBytes(asyncPNG), p)
		if err != nil {
			t.Fatal(err)
		}
		sameBlob(t, img, asyncPNG, "image/png")
		body := `{"image_url":"` + pngDataURL + `","image_urls":["` + pngDataURL + `"],"prompt":"add a red hat","num_inference_steps":20}`
		checkAsyncRequests(t, fake.Requests(), falQueueWants(body, 1, "/files/out.png"))
	})
	t.Run("prompt only", func(t *testing.T) {
		fake := newFakeAPI(t)
		falQueued(fake, result(fake), "COMPLETED")
		fake.Bytes("GET /files/out.png", "image/png", asyncPNG)
		c := asyncRoutedClient(t, fake, "fal-ai", "provider-model-id", inference.TaskImageTextToImage)
		img, err := c.ImageTextToImage(t.Context(), inference.Media{}, p)
		if err != nil {
			t.Fatal(err)
		}
		sameBlob(t, img, asyncPNG, "image/png")
		// Through the router the mapped endpoint stays.
		checkAsyncRequests(t, fake.Requests(), falQueueWants(`{"prompt":"add a red hat","num_inference_steps":20}`, 1, "/files/out.png"))
	})
}

// falDirectClient is directClient with the fal model id given.
func falDirectClient(t *testing.T, fake *fakeAPI, task inference.Task, providerID string) (*inference.Client, *loopbackDoer) {
	t.Helper()
	hub := inferencetest.NewHub(t, inferencetest.Model{
		ID: "org/model", Mappings: []inferencetest.Mapping{{Provider: "fal-ai", ProviderID: providerID, Task: string(task)}},
	})
	doer := newLoopbackDoer(t, fake.URL)
	return newClient(t, inference.WithProvider("fal-ai"), inference.WithModel("org/model"), inference.WithToken("provider-key"),
		inference.WithHubURL(hub.URL), inference.WithHTTPClient(doer), inference.WithMaxRetries(0),
		inference.WithPollInterval(time.Millisecond)), doer
}

func TestFalAIImageTextToImagePromptOnlyDirect(t *testing.T) {
	fake := newFakeAPI(t)
	// The mapping names the image+text endpoint; without an image the
	// call goes one segment up, to the text-only one.
	fake.JSON("POST /fal-ai/flux-2", `{"request_id":"req-5","status":"IN_QUEUE","response_url":"`+fake.URL+`/fal-ai/flux-2/requests/req-5"}`)
	fake.JSON("GET /fal-ai/flux-2/requests/req-5/status", `{"status":"COMPLETED"}`)
	fake.JSON("GET /fal-ai/flux-2/requests/req-5", `{"images":[{"url":"`+fake.URL+`/files/out.png"}]}`)
	fake.Bytes("GET /files/out.png", "image/png", asyncPNG)
	c, doer := falDirectClient(t, fake, inference.TaskImageTextToImage, "fal-ai/flux-2/edit")
	img, err := c.ImageTextToImage(t.Context(), inference.Media{}, &inference.ImageTextToImageParameters{Prompt: "a lighthouse"})
	if err != nil {
		t.Fatal(err)
	}
	sameBlob(t, img, asyncPNG, "image/png")
	checkAsyncRequests(t, fake.Requests(), []asyncWant{
		{"POST", "/fal-ai/flux-2", "", "Key provider-key", `{"prompt":"a lighthouse"}`},
		{"GET", "/fal-ai/flux-2/requests/req-5/status", "", "Key provider-key", ""},
		{"GET", "/fal-ai/flux-2/requests/req-5", "", "Key provider-key", ""},
		{"GET", "/files/out.png", "", "", ""},
	})
	urls := providerURLs(doer)
	if len(urls) == 0 {
		t.Fatal("no request for fal's host")
	}
	// The text-only endpoint, on fal's queue host (not fal.run).
	checkDirectURL(t, urls[0], "/fal-ai/flux-2")
	u0, _ := url.Parse(urls[0])
	if base, _ := url.Parse(inference.DirectBaseURL("fal-ai")); u0.Host == base.Host {
		t.Errorf("submission URL = %s, want fal's queue host", urls[0])
	}
}

func TestFalAIImageTextToVideo(t *testing.T) {
	for _, tt := range []struct {
		name string
		img  inference.Media
		body string
	}{
		{"with an image", inference.FromBytes(asyncPNG), `{"image_url":"` + pngDataURL + `","prompt":"the kite rises","num_frames":81}`},
		{"prompt only", inference.Media{}, `{"prompt":"the kite rises","num_frames":81}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFakeAPI(t)
			falQueued(fake, `{"video":{"url":"`+fake.URL+`/files/out.mp4","content_type":"video/mp4"},"seed":9}`, "IN_QUEUE", "COMPLETED")
			fake.Bytes("GET /files/out.mp4", "video/mp4", asyncMP4)
			c := asyncRoutedClient(t, fake, "fal-ai", "provider-model-id", inference.TaskImageTextToVideo)
			video, err := c.ImageTextToVideo(t.Context(), tt.img, &inference.ImageTextToVideoParameters{Prompt: "the kite rises", NumFrames: inference.Ptr(81.0)})
			if err != nil {
				t.Fatal(err)
			}
			sameBlob(t, video, asyncMP4, "video/mp4")
			checkAsyncRequests(t, fake.Requests(), falQueueWants(tt.body, 2, "/files/out.mp4"))
		})
	}
}

func TestWavespeedImageTextToImage(t *testing.T) {
	fake := newFakeAPI(t)
	wavespeedSubmitted(fake, "POST /wavespeed/api/v3/provider-model-id", "/wavespeed", wavespeedStatus("processing", ""), wavespeedDone(fake, "/files/out.png"))
	fake.Bytes("GET /files/out.png", "image/png", asyncPNG)
	c := asyncRoutedClient(t, fake, "wavespeed", "provider-model-id", inference.TaskImageTextToImage)
	img, err := c.ImageTextToImage(t.Context(), inference.FromBytes(asyncPNG), &inference.ImageTextToImageParameters{Prompt: "paint it", Seed: inference.Ptr(4)})
	if err != nil {
		t.Fatal(err)
	}
	sameBlob(t, img, asyncPNG, "image/png")
	checkAsyncRequests(t, fake.Requests(), wavespeedWants(`{"image":"`+pngDataURL+`","prompt":"paint it","seed":4}`, 2, "/files/out.png"))
}

func TestWavespeedImageTextToVideoPromptOnly(t *testing.T) {
	fake := newFakeAPI(t)
	wavespeedSubmitted(fake, "POST /wavespeed/api/v3/provider-model-id", "/wavespeed", wavespeedDone(fake, "/files/out.mp4"))
	fake.Bytes("GET /files/out.mp4", "video/mp4", asyncMP4)
	c := asyncRoutedClient(t, fake, "wavespeed", "provider-model-id", inference.TaskImageTextToVideo)
	video, err := c.ImageTextToVideo(t.Context(), inference.Media{}, &inference.ImageTextToVideoParameters{Prompt: "a butterfly lands"})
	if err != nil {
		t.Fatal(err)
	}
	sameBlob(t, video, asyncMP4, "video/mp4")
	reqs := fake.Requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want submission, poll, download", len(reqs))
	}
	// Without an image a blank one is sent: a fully transparent 1x1 PNG.
	var body struct {
		Image, Prompt string
	}
	if err := json.Unmarshal(reqs[0].Body, &body); err != nil {
		t.Fatal(err)
	}
	checkAsyncRequests(t, reqs, wavespeedWants(`{"image":"`+body.Image+`","prompt":"a butterfly lands"}`, 1, "/files/out.mp4"))
	b64, ok := strings.CutPrefix(body.Image, "data:image/png;base64,")
	raw, err := base64.StdEncoding.DecodeString(b64)
	if !ok || err != nil {
		t.Fatalf("image = %.60s, want a PNG data URL", body.Image)
	}
	blank, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if b := blank.Bounds(); b.Dx() != 1 || b.Dy() != 1 {
		t.Errorf("blank image is %v", b)
	}
	if _, _, _, a := blank.At(0, 0).RGBA(); a != 0 {
		t.Errorf("blank image alpha = %d, want 0", a)
	}
}

// minimaxPolls scripts novita's MiniMax job query in turn.
func minimaxPolls(fake *fakeAPI, polls ...string) {
	fake.JSON("POST /novita/v3/minimax/v2/video_generation", `{"task_id":"task-9"}`)
	fake.JSON("GET /novita/v3/minimax/v2/query/video_generation/task-9", polls...)
}

func TestNovitaImageTextToVideo(t *testing.T) {
	fake := newFakeAPI(t)
	minimaxPolls(fake, `{"task":{"status":"queued"}}`, `{"task":{"status":"running"}}`,
		`{"task":{"status":"succeeded","content":{"url":"`+fake.URL+`/files/v.mp4"}}}`)
	fake.Bytes("GET /files/v.mp4", "video/mp4", compatMP4)
	c := compatRoutedClientID(t, fake, "novita", inference.TaskImageTextToVideo, "MiniMax-H3", inference.WithPollInterval(time.Millisecond))
	out, err := c.ImageTextToVideo(t.Context(), inference.FromBytes(asyncPNG), &inference.ImageTextToVideoParameters{
		Prompt: "the kite rises", NumFrames: inference.Ptr(120.0), Seed: inference.Ptr(3), GuidanceScale: inference.Ptr(5.0),
		TargetSize: &inference.ImageTextToVideoParametersTargetSize{Width: 1280, Height: 720},
	})
	compatBlob(t, out, err, compatMP4, "video/mp4")
	reqs := compatRequests(t, fake, 5)
	compatCheck(t, reqs[0], compatPost("/novita/v3/minimax/v2/video_generation", "Bearer hf_test",
		`{"model":"MiniMax-H3","content":[{"type":"text","text":"the kite rises"},`+
			`{"type":"image_url","image_url":{"url":"`+pngDataURL+`"},"role":"first_frame"}],`+
			`"resolution":"768P","duration":5,"ratio":"adaptive"}`))
	for _, r := range reqs[1:4] {
		compatCheck(t, r, compatGet("/novita/v3/minimax/v2/query/video_generation/task-9", "", "Bearer hf_test"))
	}
	compatCheck(t, reqs[4], compatGet("/files/v.mp4", "", ""))
}

func TestNovitaImageTextToVideoPromptOnly(t *testing.T) {
	fake := newFakeAPI(t)
	minimaxPolls(fake, `{"task":{"status":"succeeded","content":{"url":"`+fake.URL+`/files/v.mp4"}}}`)
	fake.Bytes("GET /files/v.mp4", "video/mp4", compatMP4)
	c := compatRoutedClientID(t, fake, "novita", inference.TaskImageTextToVideo, "MiniMax-H3", inference.WithPollInterval(time.Millisecond))
	out, err := c.ImageTextToVideo(t.Context(), inference.Media{}, &inference.ImageTextToVideoParameters{
		Prompt: "a paper boat", TargetSize: &inference.ImageTextToVideoParametersTargetSize{Width: 1440, Height: 1920},
	}, inference.ExtraBody(map[string]any{"prompt_optimizer": false}))
	compatBlob(t, out, err, compatMP4, "video/mp4")
	reqs := compatRequests(t, fake, 3)
	compatCheck(t, reqs[0], compatPost("/novita/v3/minimax/v2/video_generation", "Bearer hf_test",
		`{"model":"MiniMax-H3","content":[{"type":"text","text":"a paper boat"}],"resolution":"2K","duration":4,"ratio":"3:4","prompt_optimizer":false}`))
}

func TestNovitaImageTextToVideoFailedAndWrongModel(t *testing.T) {
	fake := newFakeAPI(t)
	minimaxPolls(fake, `{"task":{"status":"failed","error":{"message":"the prompt was refused"}}}`)
	c := compatRoutedClientID(t, fake, "novita", inference.TaskImageTextToVideo, "MiniMax-H3", inference.WithPollInterval(time.Millisecond))
	_, err := c.ImageTextToVideo(t.Context(), inference.Media{}, &inference.ImageTextToVideoParameters{Prompt: "x"})
	compatIsJobFailed(t, err, "novita")
	if !strings.Contains(err.Error(), "the prompt was refused") {
		t.Errorf("err = %v, want novita's message", err)
	}

	other := newFakeAPI(t)
	c = compatRoutedClientID(t, other, "novita", inference.TaskImageTextToVideo, "Wan-2.2")
	if _, err := c.ImageTextToVideo(t.Context(), inference.Media{}, &inference.ImageTextToVideoParameters{Prompt: "x"}); err == nil ||
		!strings.Contains(err.Error(), "MiniMax-H3") {
		t.Errorf("err = %v, want a refusal naming MiniMax-H3", err)
	}
	if n := len(other.Requests()); n != 0 {
		t.Errorf("%d requests sent for an unsupported model", n)
	}
}
