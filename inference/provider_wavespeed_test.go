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

// wavespeedSubmitted scripts the submission of a job at post, then the
// polls of its result URL (on the router's wavespeed prefix when prefix is
// "/wavespeed") in turn.
func wavespeedSubmitted(fake *fakeAPI, post, prefix string, polls ...string) {
	fake.JSON(post, `{"code":200,"message":"success","data":{"id":"t1","model":"provider-model-id","outputs":[],`+
		`"urls":{"get":"`+fake.URL+`/api/v3/predictions/t1/result"},"status":"created"}}`)
	fake.JSON("GET "+prefix+"/api/v3/predictions/t1/result", polls...)
}

// wavespeedDone is a completed job whose output is the fake's file.
func wavespeedDone(fake *fakeAPI, file string) string {
	return `{"code":200,"message":"success","data":{"id":"t1","status":"completed","outputs":["` + fake.URL + file + `"]}}`
}

// wavespeedStatus is a poll answer with status and error.
func wavespeedStatus(status, msg string) string {
	return `{"code":200,"message":"success","data":{"id":"t1","status":"` + status + `","outputs":[],"error":"` + msg + `"}}`
}

// wavespeedWants is what a routed call sends: the submission with body,
// polls polls of the result URL, then the download of file.
func wavespeedWants(body string, polls int, file string) []asyncWant {
	w := []asyncWant{{"POST", "/wavespeed/api/v3/provider-model-id", "", "Bearer hf_test", body}}
	for range polls {
		w = append(w, asyncWant{"GET", "/wavespeed/api/v3/predictions/t1/result", "", "Bearer hf_test", ""})
	}
	return append(w, asyncWant{"GET", file, "", "", ""})
}

func TestWavespeedTextToImage(t *testing.T) {
	fake := newFakeAPI(t)
	wavespeedSubmitted(fake, "POST /wavespeed/api/v3/provider-model-id", "/wavespeed",
		wavespeedStatus("created", ""), wavespeedStatus("processing", ""), wavespeedDone(fake, "/files/out.png"))
	fake.Bytes("GET /files/out.png", "image/png", asyncPNG)
	c := asyncRoutedClient(t, fake, "wavespeed", "provider-model-id", inference.TaskTextToImage)
	img, err := c.TextToImage(context.Background(), "a cat", &inference.TextToImageParameters{Seed: inference.Ptr(7), Width: inference.Ptr(512)})
	if err != nil {
		t.Fatal(err)
	}
	sameBlob(t, img, asyncPNG, "image/png")
	checkAsyncRequests(t, fake.Requests(), wavespeedWants(`{"prompt":"a cat","seed":7,"width":512}`, 3, "/files/out.png"))
}

func TestWavespeedTextToVideo(t *testing.T) {
	fake := newFakeAPI(t)
	wavespeedSubmitted(fake, "POST /wavespeed/api/v3/provider-model-id", "/wavespeed",
		wavespeedStatus("processing", ""), wavespeedDone(fake, "/files/out.mp4"))
	fake.Bytes("GET /files/out.mp4", "video/mp4", asyncMP4)
	c := asyncRoutedClient(t, fake, "wavespeed", "provider-model-id", inference.TaskTextToVideo)
	video, err := c.TextToVideo(context.Background(), "a cat walking", nil, inference.ExtraBody(map[string]any{"duration": 5}))
	if err != nil {
		t.Fatal(err)
	}
	sameBlob(t, video, asyncMP4, "video/mp4")
	checkAsyncRequests(t, fake.Requests(), wavespeedWants(`{"prompt":"a cat walking","duration":5}`, 2, "/files/out.mp4"))
}

func TestWavespeedImageToImage(t *testing.T) {
	fake := newFakeAPI(t)
	wavespeedSubmitted(fake, "POST /wavespeed/api/v3/provider-model-id", "/wavespeed", wavespeedDone(fake, "/files/out.png"))
	fake.Bytes("GET /files/out.png", "image/png", asyncPNG)
	c := asyncRoutedClient(t, fake, "wavespeed", "provider-model-id", inference.TaskImageToImage)
	img, err := c.ImageToImage(context.Background(), inference.FromBytes(asyncPNG), &inference.ImageToImageParameters{Prompt: "make it blue"})
	if err != nil {
		t.Fatal(err)
	}
	sameBlob(t, img, asyncPNG, "image/png")
	in := "data:image/png;base64," + base64.StdEncoding.EncodeToString(asyncPNG)
	checkAsyncRequests(t, fake.Requests(), wavespeedWants(`{"image":"`+in+`","prompt":"make it blue"}`, 1, "/files/out.png"))
}

func TestWavespeedImageToVideo(t *testing.T) {
	fake := newFakeAPI(t)
	wavespeedSubmitted(fake, "POST /wavespeed/api/v3/provider-model-id", "/wavespeed",
		wavespeedStatus("processing", ""), wavespeedDone(fake, "/files/out.mp4"))
	fake.Bytes("GET /files/out.mp4", "video/mp4", asyncMP4)
	c := asyncRoutedClient(t, fake, "wavespeed", "provider-model-id", inference.TaskImageToVideo)
	video, err := c.ImageToVideo(context.Background(), inference.FromURL(fake.URL+"/in/cat.png"), &inference.ImageToVideoParameters{Prompt: "make it move", Seed: inference.Ptr(3)})
	if err != nil {
		t.Fatal(err)
	}
	sameBlob(t, video, asyncMP4, "video/mp4")
	// The input URL is passed on, not downloaded (the fake has no file
	// there).
	want := wavespeedWants(`{"image":"`+fake.URL+`/in/cat.png","prompt":"make it move","seed":3}`, 2, "/files/out.mp4")
	checkAsyncRequests(t, fake.Requests(), want)
}

func TestWavespeedDirectKey(t *testing.T) {
	fake := newFakeAPI(t)
	wavespeedSubmitted(fake, "POST /api/v3/provider-model-id", "", wavespeedStatus("processing", ""), wavespeedDone(fake, "/files/out.png"))
	fake.Bytes("GET /files/out.png", "image/png", asyncPNG)
	c, doer := directClient(t, fake, "wavespeed", inference.TaskTextToImage, inference.WithPollInterval(time.Millisecond))
	if _, err := c.TextToImage(context.Background(), "a cat", nil); err != nil {
		t.Fatal(err)
	}
	checkAsyncRequests(t, fake.Requests(), []asyncWant{
		{"POST", "/api/v3/provider-model-id", "", "Bearer provider-key", `{"prompt":"a cat"}`},
		{"GET", "/api/v3/predictions/t1/result", "", "Bearer provider-key", ""},
		{"GET", "/api/v3/predictions/t1/result", "", "Bearer provider-key", ""},
		{"GET", "/files/out.png", "", "", ""},
	})
	base := inference.DirectBaseURL("wavespeed")
	poll := base + "/api/v3/predictions/t1/result"
	want := []string{base + "/api/v3/provider-model-id", poll, poll}
	if got := providerURLs(doer); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("URLs = %v, want %v", got, want)
	}
}

func TestWavespeedJobFailed(t *testing.T) {
	fake := newFakeAPI(t)
	wavespeedSubmitted(fake, "POST /wavespeed/api/v3/provider-model-id", "/wavespeed",
		wavespeedStatus("processing", ""), wavespeedStatus("failed", "prompt rejected"))
	c := asyncRoutedClient(t, fake, "wavespeed", "provider-model-id", inference.TaskTextToImage)
	_, err := c.TextToImage(context.Background(), "a cat", nil)
	if !errors.Is(err, inference.ErrJobFailed) || !strings.Contains(err.Error(), "prompt rejected") ||
		!strings.Contains(err.Error(), "failed") || !strings.Contains(err.Error(), "wavespeed") {
		t.Errorf("err = %v, want ErrJobFailed naming the status, provider and reason", err)
	}
}

func TestWavespeedPollDeadline(t *testing.T) {
	fake := newFakeAPI(t)
	wavespeedSubmitted(fake, "POST /wavespeed/api/v3/provider-model-id", "/wavespeed", wavespeedStatus("processing", ""))
	c := asyncRoutedClient(t, fake, "wavespeed", "provider-model-id", inference.TaskTextToVideo)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.TextToVideo(ctx, "a cat", nil)
	if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, inference.ErrTimeout) {
		t.Errorf("err = %v, want a deadline", err)
	}
}

func TestWavespeedUnexpectedResponse(t *testing.T) {
	for _, tt := range []struct {
		name string
		// script answers the call with a wrongly shaped answer
		script func(f *fakeAPI)
	}{
		{"no result URL", func(f *fakeAPI) {
			f.JSON("POST /wavespeed/api/v3/provider-model-id", `{"code":200,"message":"success","data":{"id":"t1"}}`)
		}},
		{"no output", func(f *fakeAPI) {
			wavespeedSubmitted(f, "POST /wavespeed/api/v3/provider-model-id", "/wavespeed", wavespeedStatus("completed", ""))
		}},
		{"unknown status", func(f *fakeAPI) {
			wavespeedSubmitted(f, "POST /wavespeed/api/v3/provider-model-id", "/wavespeed", wavespeedStatus("exploded", ""))
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFakeAPI(t)
			tt.script(fake)
			c := asyncRoutedClient(t, fake, "wavespeed", "provider-model-id", inference.TaskTextToImage)
			_, err := c.TextToImage(context.Background(), "a cat", nil)
			var re *inference.ResponseError
			if !errors.As(err, &re) || !strings.Contains(err.Error(), "text-to-image") || !strings.Contains(err.Error(), "wavespeed") {
				t.Errorf("err = %v, want a ResponseError naming text-to-image and wavespeed", err)
			}
		})
	}
}
