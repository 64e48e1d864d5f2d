package inference_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tiny-agents-go/tiny-agents/inference"
)

func TestTogetherTextGeneration(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /together/v1/completions", compatCompletion)
	c := routedClient(t, fake, "together", inference.TaskTextGeneration)
	out, err := c.TextGeneration(t.Context(), "Hello", &inference.TextGenerationInputGenerateParameters{
		MaxNewTokens: inference.Ptr(5), Temperature: inference.Ptr(0.5),
	})
	compatCheckCompletion(t, out, err)
	compatCheck(t, fake.only(), compatPost("/together/v1/completions", "Bearer hf_test",
		`{"prompt":"Hello","max_new_tokens":5,"temperature":0.5,"model":"provider-model-id","stream":false}`))
}

func TestTogetherTextGenerationStream(t *testing.T) {
	fake := newFakeAPI(t)
	fake.Status("POST /together/v1/completions", 200, "text/event-stream",
		"data: {\"choices\":[{\"index\":0,\"text\":\" wor\",\"finish_reason\":null}]}\n\n"+
			"data: {\"choices\":[{\"index\":0,\"text\":\"ld\",\"finish_reason\":\"stop\"}]}\n\n"+
			"data: [DONE]\n\n")
	c := routedClient(t, fake, "together", inference.TaskTextGeneration)
	var text strings.Builder
	for ev, err := range c.TextGenerationStream(t.Context(), "Hello", nil) {
		if err != nil {
			t.Fatal(err)
		}
		text.WriteString(ev.Token.Text)
	}
	if text.String() != " world" {
		t.Errorf("streamed %q", text.String())
	}
	compatCheck(t, fake.only(), compatPost("/together/v1/completions", "Bearer hf_test",
		`{"prompt":"Hello","model":"provider-model-id","stream":true}`))
}

func TestTogetherFeatureExtraction(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /together/v1/embeddings", compatEmbeddingsAnswer)
	c := routedClient(t, fake, "together", inference.TaskFeatureExtraction)
	out, err := c.FeatureExtractionBatch(t.Context(), []string{"a", "b"}, &inference.FeatureExtractionParameters{Normalize: inference.Ptr(true)})
	compatCheckEmbeddings(t, out, err)
	compatCheck(t, fake.only(), compatPost("/together/v1/embeddings", "Bearer hf_test",
		`{"input":["a","b"],"model":"provider-model-id","normalize":true}`))
}

func TestTogetherTextToSpeech(t *testing.T) {
	fake := newFakeAPI(t)
	mp3 := []byte("ID3\x04\x00 fake sound")
	fake.Bytes("POST /together/v1/audio/speech", "audio/mpeg", mp3)
	c := routedClient(t, fake, "together", inference.TaskTextToSpeech)
	out, err := c.TextToSpeech(t.Context(), "Hi there", nil, inference.ExtraBody(map[string]any{"voice": "af_alloy"}))
	compatBlob(t, out, err, mp3, "audio/mpeg")
	compatCheck(t, fake.only(), compatPost("/together/v1/audio/speech", "Bearer hf_test",
		`{"input":"Hi there","model":"provider-model-id","voice":"af_alloy"}`))
}

func TestTogetherTextToSpeechRefusesJSON(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /together/v1/audio/speech", `{"message":"voice required"}`)
	c := routedClient(t, fake, "together", inference.TaskTextToSpeech)
	_, err := c.TextToSpeech(t.Context(), "Hi", nil)
	compatResponseError(t, err, inference.TaskTextToSpeech, "together")
}

func TestTogetherTextToImage(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /together/v1/images/generations", `{"id":"img-1","model":"provider-model-id","object":"list",
		"data":[{"index":0,"b64_json":"`+compatB64(compatPNG)+`","type":null}]}`)
	c := routedClient(t, fake, "together", inference.TaskTextToImage)
	out, err := c.TextToImage(t.Context(), "a cat", &inference.TextToImageParameters{
		Width: inference.Ptr(512), Height: inference.Ptr(256), NumInferenceSteps: inference.Ptr(4), GuidanceScale: inference.Ptr(3.5),
	})
	compatBlob(t, out, err, compatPNG, "image/png")
	compatCheck(t, fake.only(), compatPost("/together/v1/images/generations", "Bearer hf_test",
		`{"prompt":"a cat","response_format":"base64","model":"provider-model-id","width":512,"height":256,"steps":4,"guidance_scale":3.5}`))
}

func TestTogetherTextToImageURLAnswer(t *testing.T) {
	fake := newFakeAPI(t)
	jpeg := []byte("\xff\xd8\xff\xe0 fake jpeg")
	fake.JSON("POST /together/v1/images/generations", `{"data":[{"index":0,"url":"`+fake.URL+`/files/cat.jpg"}]}`)
	fake.Bytes("GET /files/cat.jpg", "image/jpeg", jpeg)
	c := routedClient(t, fake, "together", inference.TaskTextToImage)
	out, err := c.TextToImage(t.Context(), "a cat", nil, inference.ExtraBody(map[string]any{"response_format": "url"}))
	compatBlob(t, out, err, jpeg, "image/jpeg")
	reqs := compatRequests(t, fake, 2)
	compatCheck(t, reqs[0], compatPost("/together/v1/images/generations", "Bearer hf_test",
		`{"prompt":"a cat","response_format":"url","model":"provider-model-id"}`))
	compatCheck(t, reqs[1], compatGet("/files/cat.jpg", "", ""))
}

func TestTogetherImageToImage(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /together/v1/images/generations", `{"data":[{"b64_json":"`+compatB64(compatPNG)+`"}]}`)
	c := routedClient(t, fake, "together", inference.TaskImageToImage)
	out, err := c.ImageToImage(t.Context(), inference.FromBytes(compatPNG), &inference.ImageToImageParameters{
		Prompt: "make it blue", NumInferenceSteps: inference.Ptr(10),
	})
	compatBlob(t, out, err, compatPNG, "image/png")
	compatCheck(t, fake.only(), compatPost("/together/v1/images/generations", "Bearer hf_test",
		`{"prompt":"make it blue","reference_images":["data:image/png;base64,`+compatB64(compatPNG)+`"],
		"response_format":"base64","steps":10,"model":"provider-model-id"}`))
}

func TestTogetherImageToImageKontextTakesImageURL(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /together/v1/images/generations", `{"data":[{"b64_json":"`+compatB64(compatPNG)+`"}]}`)
	c := compatRoutedClientID(t, fake, "together", inference.TaskImageToImage, "black-forest-labs/FLUX.1-kontext-pro")
	out, err := c.ImageToImage(t.Context(), inference.FromBytes(compatRaw), nil)
	compatBlob(t, out, err, compatPNG, "image/png")
	compatCheck(t, fake.only(), compatPost("/together/v1/images/generations", "Bearer hf_test",
		`{"prompt":"","image_url":"data:image/jpeg;base64,`+compatB64(compatRaw)+`",
		"response_format":"base64","model":"black-forest-labs/FLUX.1-kontext-pro"}`))
}

func TestTogetherTextToVideoPolls(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /together/v2/videos", `{"id":"job-1","object":"video","model":"provider-model-id","status":"queued"}`)
	fake.JSON("GET /together/v2/videos/job-1",
		`{"id":"job-1","status":"in_progress"}`,
		`{"id":"job-1","status":"completed","outputs":{"video_url":"`+fake.URL+`/files/v.mp4","cost":1}}`)
	fake.Bytes("GET /files/v.mp4", "video/mp4", compatMP4)
	c := routedClient(t, fake, "together", inference.TaskTextToVideo, inference.WithPollInterval(time.Millisecond))
	out, err := c.TextToVideo(t.Context(), "a dog", &inference.TextToVideoParameters{NumInferenceSteps: inference.Ptr(20), Seed: inference.Ptr(1)})
	compatBlob(t, out, err, compatMP4, "video/mp4")
	reqs := compatRequests(t, fake, 4)
	compatCheck(t, reqs[0], compatPost("/together/v2/videos", "Bearer hf_test",
		`{"prompt":"a dog","model":"provider-model-id","steps":20,"seed":1}`))
	compatCheck(t, reqs[1], compatGet("/together/v2/videos/job-1", "", "Bearer hf_test"))
	compatCheck(t, reqs[2], compatGet("/together/v2/videos/job-1", "", "Bearer hf_test"))
	compatCheck(t, reqs[3], compatGet("/files/v.mp4", "", ""))
}

func TestTogetherImageToVideo(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /together/v2/videos", `{"id":"job-2","status":"in_progress"}`)
	fake.JSON("GET /together/v2/videos/job-2", `{"id":"job-2","status":"completed","outputs":{"video_url":"`+fake.URL+`/files/v.mp4"}}`)
	fake.Bytes("GET /files/v.mp4", "video/mp4", compatMP4)
	c := routedClient(t, fake, "together", inference.TaskImageToVideo, inference.WithPollInterval(time.Millisecond))
	out, err := c.ImageToVideo(t.Context(), inference.FromBytes(compatPNG), &inference.ImageToVideoParameters{
		Prompt: "it runs", NumInferenceSteps: inference.Ptr(8),
		TargetSize: &inference.ImageToVideoParametersTargetSize{Width: 640, Height: 360},
	})
	compatBlob(t, out, err, compatMP4, "video/mp4")
	reqs := compatRequests(t, fake, 3)
	compatCheck(t, reqs[0], compatPost("/together/v2/videos", "Bearer hf_test",
		`{"model":"provider-model-id","frame_images":[{"input_image":"data:image/png;base64,`+compatB64(compatPNG)+`","frame":"first"}],
		"prompt":"it runs","steps":8,"width":640,"height":360}`))
	compatCheck(t, reqs[1], compatGet("/together/v2/videos/job-2", "", "Bearer hf_test"))
}

func TestTogetherVideoAlreadyCompleted(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /together/v2/videos", `{"id":"job-3","status":"completed","outputs":{"video_url":"`+fake.URL+`/files/v.mp4"}}`)
	fake.Bytes("GET /files/v.mp4", "video/mp4", compatMP4)
	c := routedClient(t, fake, "together", inference.TaskTextToVideo)
	out, err := c.TextToVideo(t.Context(), "a dog", nil)
	compatBlob(t, out, err, compatMP4, "video/mp4")
	compatRequests(t, fake, 2)
}

func TestTogetherVideoJobFailed(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /together/v2/videos", `{"id":"job-4","status":"queued"}`)
	fake.JSON("GET /together/v2/videos/job-4", `{"id":"job-4","status":"failed","error":{"message":"content policy"}}`)
	c := routedClient(t, fake, "together", inference.TaskTextToVideo, inference.WithPollInterval(time.Millisecond))
	_, err := c.TextToVideo(t.Context(), "a dog", nil)
	compatIsJobFailed(t, err, "together")
	if !strings.Contains(err.Error(), "content policy") {
		t.Errorf("error %q does not carry the provider's message", err)
	}
}

func TestTogetherVideoPollDeadline(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /together/v2/videos", `{"id":"job-5","status":"queued"}`)
	fake.JSON("GET /together/v2/videos/job-5", `{"id":"job-5","status":"in_progress"}`)
	c := routedClient(t, fake, "together", inference.TaskTextToVideo, inference.WithPollInterval(time.Millisecond))
	compatDeadline(t, fake, func(ctx context.Context) error {
		_, err := c.TextToVideo(ctx, "a dog", nil)
		return err
	})
}

func TestTogetherDirectKey(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /v2/videos", `{"id":"job-6","status":"queued"}`)
	fake.JSON("GET /v2/videos/job-6", `{"id":"job-6","status":"completed","outputs":{"video_url":"`+fake.URL+`/files/v.mp4"}}`)
	fake.Bytes("GET /files/v.mp4", "video/mp4", compatMP4)
	c, doer := directClient(t, fake, "together", inference.TaskTextToVideo, inference.WithPollInterval(time.Millisecond))
	out, err := c.TextToVideo(t.Context(), "a dog", nil)
	compatBlob(t, out, err, compatMP4, "video/mp4")
	compatDirectURL(t, doer, "together", "/v2/videos")
	if urls := compatProviderURLs(doer); len(urls) < 2 || urls[1] != inference.DirectBaseURL("together")+"/v2/videos/job-6" {
		t.Errorf("poll URL = %s", urls[1])
	}
	reqs := compatRequests(t, fake, 3)
	compatCheck(t, reqs[0], compatPost("/v2/videos", "Bearer provider-key", `{"prompt":"a dog","model":"provider-model-id"}`))
	compatCheck(t, reqs[1], compatGet("/v2/videos/job-6", "", "Bearer provider-key"))
}

func TestTogetherWrongShape(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /together/v1/images/generations", `{"data":[]}`)
	c := routedClient(t, fake, "together", inference.TaskTextToImage)
	_, err := c.TextToImage(t.Context(), "a cat", nil)
	compatResponseError(t, err, inference.TaskTextToImage, "together")

	fake.JSON("POST /together/v1/completions", `{"choices":[]}`)
	c = routedClient(t, fake, "together", inference.TaskTextGeneration)
	_, err = c.TextGeneration(t.Context(), "Hello", nil)
	compatResponseError(t, err, inference.TaskTextGeneration, "together")

	fake.JSON("POST /together/v2/videos", `{"status":"queued"}`)
	c = routedClient(t, fake, "together", inference.TaskTextToVideo)
	_, err = c.TextToVideo(t.Context(), "a dog", nil)
	compatResponseError(t, err, inference.TaskTextToVideo, "together")
}
