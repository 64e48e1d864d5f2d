package inference_test

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tiny-agents-go/tiny-agents/inference"
)

// replicatePredicted scripts a created prediction that "Prefer: wait" did
// not see finish, then the polls of its urls.get in turn.
func replicatePredicted(fake *fakeAPI, post string, polls ...string) {
	fake.JSON(post, `{"id":"p1","status":"starting","output":null,"urls":{"get":"`+fake.URL+`/v1/predictions/p1","cancel":"`+fake.URL+`/v1/predictions/p1/cancel"}}`)
	fake.JSON("GET /replicate/v1/predictions/p1", polls...)
}

// checkPreferWait fails unless the creation asked Replicate to wait.
func checkPreferWait(t *testing.T, fake *fakeAPI) {
	t.Helper()
	if got := fake.Requests()[0].Header.Get("Prefer"); got != "wait" {
		t.Errorf("Prefer = %q, want wait", got)
	}
}

func TestReplicateTextToImage(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /replicate/v1/models/provider-model-id/predictions", `{"id":"p1","status":"succeeded","output":["`+fake.URL+`/files/out.png"]}`)
	fake.Bytes("GET /files/out.png", "image/png", asyncPNG)
	c := asyncRoutedClient(t, fake, "replicate", "provider-model-id", inference.TaskTextToImage)
	img, err := c.TextToImage(context.Background(), "a cat", &inference.TextToImageParameters{Seed: inference.Ptr(7)},
		inference.ExtraBody(map[string]any{"webhook": fake.URL + "/hook"}))
	if err != nil {
		t.Fatal(err)
	}
	sameBlob(t, img, asyncPNG, "image/png")
	checkAsyncRequests(t, fake.Requests(), []asyncWant{
		{"POST", "/replicate/v1/models/provider-model-id/predictions", "", "Bearer hf_test",
			`{"input":{"prompt":"a cat","seed":7},"webhook":"` + fake.URL + `/hook"}`},
		{"GET", "/files/out.png", "", "", ""},
	})
	checkPreferWait(t, fake)
}

func TestReplicateTextToVideoPolls(t *testing.T) {
	fake := newFakeAPI(t)
	replicatePredicted(fake, "POST /replicate/v1/models/provider-model-id/predictions",
		`{"id":"p1","status":"processing","output":null}`,
		`{"id":"p1","status":"succeeded","output":"`+fake.URL+`/files/out.mp4"}`)
	fake.Bytes("GET /files/out.mp4", "video/mp4", asyncMP4)
	c := asyncRoutedClient(t, fake, "replicate", "provider-model-id", inference.TaskTextToVideo)
	video, err := c.TextToVideo(context.Background(), "a cat walking", &inference.TextToVideoParameters{NumFrames: inference.Ptr(16.0)})
	if err != nil {
		t.Fatal(err)
	}
	sameBlob(t, video, asyncMP4, "video/mp4")
	checkAsyncRequests(t, fake.Requests(), []asyncWant{
		{"POST", "/replicate/v1/models/provider-model-id/predictions", "", "Bearer hf_test", `{"input":{"prompt":"a cat walking","num_frames":16}}`},
		{"GET", "/replicate/v1/predictions/p1", "", "Bearer hf_test", ""},
		{"GET", "/replicate/v1/predictions/p1", "", "Bearer hf_test", ""},
		{"GET", "/files/out.mp4", "", "", ""},
	})
	checkPreferWait(t, fake)
}

func TestReplicateTextToSpeechVersion(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /replicate/v1/predictions", `{"id":"p1","status":"succeeded","output":"`+fake.URL+`/files/out.wav"}`)
	fake.Bytes("GET /files/out.wav", "audio/wav", asyncWAV)
	c := asyncRoutedClient(t, fake, "replicate", "owner/tts:abc123", inference.TaskTextToSpeech)
	sound, err := c.TextToSpeech(context.Background(), "Hello", nil)
	if err != nil {
		t.Fatal(err)
	}
	sameBlob(t, sound, asyncWAV, "audio/wav")
	checkAsyncRequests(t, fake.Requests(), []asyncWant{
		{"POST", "/replicate/v1/predictions", "", "Bearer hf_test", `{"input":{"text":"Hello"},"version":"abc123"}`},
		{"GET", "/files/out.wav", "", "", ""},
	})
	checkPreferWait(t, fake)
}

func TestReplicateAutomaticSpeechRecognition(t *testing.T) {
	for _, tt := range []struct {
		name, output, file string
	}{
		{"string", `"hello world"`, ""},
		{"list", `["hello world"]`, ""},
		{"transcription", `{"transcription":"hello world","translation":null,"detected_language":"en"}`, ""},
		{"translation", `{"transcription":"bonjour","translation":"hello world"}`, ""},
		{"txt_file", `{"txt_file":"FILE"}`, "/files/out.txt"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFakeAPI(t)
			output := strings.ReplaceAll(tt.output, "FILE", fake.URL+tt.file)
			fake.JSON("POST /replicate/v1/models/provider-model-id/predictions", `{"id":"p1","status":"succeeded","output":`+output+`}`)
			fake.Bytes("GET /files/out.txt", "text/plain", []byte("hello world"))
			c := asyncRoutedClient(t, fake, "replicate", "provider-model-id", inference.TaskAutomaticSpeechRecognition)
			out, err := c.AutomaticSpeechRecognition(context.Background(), inference.FromBytes(asyncWAV), &inference.AutomaticSpeechRecognitionParameters{ReturnTimestamps: inference.Ptr(true)})
			if err != nil {
				t.Fatal(err)
			}
			if out.Text != "hello world" {
				t.Errorf("text = %q", out.Text)
			}
			audio := "data:audio/wav;base64," + base64.StdEncoding.EncodeToString(asyncWAV)
			want := []asyncWant{{"POST", "/replicate/v1/models/provider-model-id/predictions", "", "Bearer hf_test",
				`{"input":{"audio":"` + audio + `","return_timestamps":true}}`}}
			if tt.file != "" {
				want = append(want, asyncWant{"GET", tt.file, "", "", ""})
			}
			checkAsyncRequests(t, fake.Requests(), want)
		})
	}
}

func TestReplicateImageToImage(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /replicate/v1/models/provider-model-id/predictions", `{"id":"p1","status":"succeeded","output":"`+fake.URL+`/files/out.png"}`)
	fake.Bytes("GET /files/out.png", "image/png", asyncPNG)
	c := asyncRoutedClient(t, fake, "replicate", "provider-model-id", inference.TaskImageToImage)
	img, err := c.ImageToImage(context.Background(), inference.FromBytes(asyncPNG), &inference.ImageToImageParameters{Prompt: "make it blue"})
	if err != nil {
		t.Fatal(err)
	}
	sameBlob(t, img, asyncPNG, "image/png")
	in := "data:image/png;base64," + base64.StdEncoding.EncodeToString(asyncPNG)
	checkAsyncRequests(t, fake.Requests(), []asyncWant{
		{"POST", "/replicate/v1/models/provider-model-id/predictions", "", "Bearer hf_test",
			`{"input":{"image":"` + in + `","images":["` + in + `"],"input_image":"` + in + `","input_images":["` + in + `"],"prompt":"make it blue"}}`},
		{"GET", "/files/out.png", "", "", ""},
	})
}

func TestReplicateDirectKey(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /v1/models/provider-model-id/predictions", `{"id":"p1","status":"processing","output":null,"urls":{"get":"`+fake.URL+`/v1/predictions/p1"}}`)
	fake.JSON("GET /v1/predictions/p1", `{"id":"p1","status":"succeeded","output":["`+fake.URL+`/files/out.png"]}`)
	fake.Bytes("GET /files/out.png", "image/png", asyncPNG)
	c, doer := directClient(t, fake, "replicate", inference.TaskTextToImage, inference.WithPollInterval(time.Millisecond))
	if _, err := c.TextToImage(context.Background(), "a cat", nil); err != nil {
		t.Fatal(err)
	}
	checkAsyncRequests(t, fake.Requests(), []asyncWant{
		{"POST", "/v1/models/provider-model-id/predictions", "", "Bearer provider-key", `{"input":{"prompt":"a cat"}}`},
		{"GET", "/v1/predictions/p1", "", "Bearer provider-key", ""},
		{"GET", "/files/out.png", "", "", ""},
	})
	base := inference.DirectBaseURL("replicate")
	want := []string{base + "/v1/models/provider-model-id/predictions", base + "/v1/predictions/p1"}
	if got := providerURLs(doer); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("URLs = %v, want %v", got, want)
	}
}

func TestReplicateJobFailed(t *testing.T) {
	failed := `{"id":"p1","status":"failed","output":null,"error":"CUDA out of memory"}`
	for _, tt := range []struct {
		name   string
		script func(f *fakeAPI)
	}{
		{"at creation", func(f *fakeAPI) { f.JSON("POST /replicate/v1/models/provider-model-id/predictions", failed) }},
		{"while polling", func(f *fakeAPI) {
			replicatePredicted(f, "POST /replicate/v1/models/provider-model-id/predictions", `{"id":"p1","status":"processing"}`, failed)
		}},
		{"canceled", func(f *fakeAPI) {
			replicatePredicted(f, "POST /replicate/v1/models/provider-model-id/predictions", `{"id":"p1","status":"canceled","error":"CUDA out of memory"}`)
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFakeAPI(t)
			tt.script(fake)
			c := asyncRoutedClient(t, fake, "replicate", "provider-model-id", inference.TaskTextToImage)
			_, err := c.TextToImage(context.Background(), "a cat", nil)
			if !errors.Is(err, inference.ErrJobFailed) || !strings.Contains(err.Error(), "CUDA out of memory") ||
				!strings.Contains(err.Error(), "text-to-image") || !strings.Contains(err.Error(), "replicate") ||
				strings.Count(err.Error(), "inference:") != 1 {
				t.Errorf("err = %v, want ErrJobFailed naming the task, provider and reason", err)
			}
		})
	}
}

func TestReplicatePollDeadline(t *testing.T) {
	fake := newFakeAPI(t)
	replicatePredicted(fake, "POST /replicate/v1/models/provider-model-id/predictions", `{"id":"p1","status":"processing"}`)
	c := asyncRoutedClient(t, fake, "replicate", "provider-model-id", inference.TaskTextToVideo)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.TextToVideo(ctx, "a cat", nil)
	if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, inference.ErrTimeout) {
		t.Errorf("err = %v, want a deadline", err)
	}
}

func TestReplicateUnexpectedResponse(t *testing.T) {
	for _, tt := range []struct {
		name, answer string
		task         inference.Task
	}{
		{"no output", `{"id":"p1","status":"succeeded","output":null}`, inference.TaskTextToImage},
		{"not a prediction", `["x"]`, inference.TaskTextToImage},
		{"no transcript", `{"id":"p1","status":"succeeded","output":{"segments":[]}}`, inference.TaskAutomaticSpeechRecognition},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFakeAPI(t)
			fake.JSON("POST /replicate/v1/models/provider-model-id/predictions", tt.answer)
			c := asyncRoutedClient(t, fake, "replicate", "provider-model-id", tt.task)
			var err error
			if tt.task == inference.TaskTextToImage {
				_, err = c.TextToImage(context.Background(), "a cat", nil)
			} else {
				_, err = c.AutomaticSpeechRecognition(context.Background(), inference.FromBytes(asyncWAV), nil)
			}
			var re *inference.ResponseError
			if !errors.As(err, &re) || !strings.Contains(err.Error(), string(tt.task)) || !strings.Contains(err.Error(), "replicate") {
				t.Errorf("err = %v, want a ResponseError naming %s and replicate", err, tt.task)
			}
		})
	}
}
