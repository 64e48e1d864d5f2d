package inference_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"image/color"
	"log/slog"
	"strings"
	"testing"

	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
)

// Answers as real services send them, which the first version of the task
// client misread or refused.

// webpImage is a 3x2 lossless WebP: a green top-left pixel, the others
// raspberry.
var webpImage, _ = base64.StdEncoding.DecodeString("UklGRiQAAABXRUJQVlA4TBcAAAAvAkAAAA9wJu4r+N6DZ/4jDTc4iOh/CAA=")

func TestDocumentQuestionAnsweringAnswerWithoutSpan(t *testing.T) {
	fake := newFakeAPI(t)
	// A model that finds an answer but gives neither a score nor a span.
	fake.JSON("POST "+hfPath, `[{"answer":"2026-03-14"}]`)
	c := routedClient(t, fake, "hf-inference", inference.TaskDocumentQuestionAnswering)
	out, err := c.DocumentQuestionAnswering(t.Context(), inference.FromBytes(pngImage(t, 2, 2)), "When was it issued?", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 1 || out[0].Answer != "2026-03-14" {
		t.Fatalf("out = %+v", out)
	}
	if out[0].Score != nil || out[0].Start != nil || out[0].End != nil {
		t.Errorf("score %v, start %v, end %v: want all absent (nil), not zero", out[0].Score, out[0].Start, out[0].End)
	}
}

func TestBlobImageDecodesWebP(t *testing.T) {
	img, err := (&inference.Blob{Data: webpImage, ContentType: "image/webp"}).Image()
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 3 || b.Dy() != 2 {
		t.Fatalf("bounds = %v, want 3x2", b)
	}
	green := color.NRGBAModel.Convert(img.At(0, 0)).(color.NRGBA)
	other := color.NRGBAModel.Convert(img.At(2, 1)).(color.NRGBA)
	if green != (color.NRGBA{R: 10, G: 220, B: 30, A: 255}) || other != (color.NRGBA{R: 200, G: 40, B: 90, A: 255}) {
		t.Errorf("pixels = %v, %v", green, other)
	}
}

func TestNebiusTextToImageAnswersWebP(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /nebius/v1/images/generations", `{"id":"img-7","data":[{"b64_json":"`+compatB64(webpImage)+`"}]}`)
	c := routedClient(t, fake, "nebius", inference.TaskTextToImage)
	out, err := c.TextToImage(t.Context(), "a lighthouse", nil)
	compatBlob(t, out, err, webpImage, "image/webp")
	if _, err := out.Image(); err != nil {
		t.Errorf("Image() of nebius' default answer: %v", err)
	}
}

// refusedKwargs is the generic pipeline's answer to TGI parameters.
const refusedKwargs = `{"error":"The following ` + "`model_kwargs`" + ` are not used by the model: ['watermark', 'stop', 'details'] (note: typos in the generate arguments will also show up in this list)"}`

func TestTextGenerationDropsParametersThePipelineRefuses(t *testing.T) {
	fake := newFakeAPI(t)
	fake.Status("POST "+hfPath, 400, "application/json", refusedKwargs)
	fake.JSON("POST "+hfPath, `[{"generated_text":" and then some."}]`)
	var logs bytes.Buffer
	c := routedClient(t, fake, "hf-inference", inference.TaskTextGeneration,
		inference.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	p := &inference.TextGenerationInputGenerateParameters{
		MaxNewTokens: inference.Ptr(8), Watermark: inference.Ptr(true), Stop: []string{"\n"}, Details: inference.Ptr(true),
	}
	out, err := c.TextGeneration(t.Context(), "Once", p)
	if err != nil {
		t.Fatal(err)
	}
	if out.GeneratedText != " and then some." {
		t.Errorf("out = %+v", out)
	}
	reqs := compatRequests(t, fake, 2)
	sameJSONBody(t, reqs[0].Body, `{"inputs":"Once","parameters":{"max_new_tokens":8,"watermark":true,"stop":["\n"],"details":true},"stream":false}`)
	sameJSONBody(t, reqs[1].Body, `{"inputs":"Once","parameters":{"max_new_tokens":8},"stream":false}`)
	if !strings.Contains(logs.String(), "watermark, stop, details") {
		t.Errorf("no warning naming the dropped parameters: %s", logs.String())
	}

	// The client remembers: the next call leaves them out from the start.
	if _, err := c.TextGeneration(t.Context(), "Twice", p); err != nil {
		t.Fatal(err)
	}
	reqs = compatRequests(t, fake, 3)
	sameJSONBody(t, reqs[2].Body, `{"inputs":"Twice","parameters":{"max_new_tokens":8},"stream":false}`)

	// A model known not to be served by TGI cannot stream.
	for _, err := range c.TextGenerationStream(t.Context(), "Thrice", nil) {
		if !errors.Is(err, inference.ErrTaskNotSupported) {
			t.Errorf("stream err = %v, want ErrTaskNotSupported", err)
		}
	}
	compatRequests(t, fake, 3)
}

func TestTextGenerationStreamRefusedByThePipeline(t *testing.T) {
	fake := newFakeAPI(t)
	fake.Status("POST "+hfPath, 400, "application/json", refusedKwargs)
	c := routedClient(t, fake, "hf-inference", inference.TaskTextGeneration)
	var got error
	for _, err := range c.TextGenerationStream(t.Context(), "Once", &inference.TextGenerationInputGenerateParameters{Watermark: inference.Ptr(true)}) {
		got = err
	}
	var he *inference.HTTPError
	if !errors.Is(got, inference.ErrTaskNotSupported) || !errors.As(got, &he) || he.StatusCode != 400 {
		t.Errorf("err = %v, want ErrTaskNotSupported wrapping the 400", got)
	}
	compatRequests(t, fake, 1)
}

func TestTextGenerationOtherBadRequestIsNotRetried(t *testing.T) {
	fake := newFakeAPI(t)
	fake.Status("POST "+hfPath, 400, "application/json", `{"error":"Input is too long"}`)
	c := routedClient(t, fake, "hf-inference", inference.TaskTextGeneration)
	_, err := c.TextGeneration(t.Context(), "Once", &inference.TextGenerationInputGenerateParameters{Watermark: inference.Ptr(true)})
	var he *inference.HTTPError
	if !errors.As(err, &he) || he.StatusCode != 400 {
		t.Fatalf("err = %v, want the 400", err)
	}
	compatRequests(t, fake, 1)
}

func TestTranslationNeedsBothLanguages(t *testing.T) {
	fake := newFakeAPI(t)
	c := routedClient(t, fake, "hf-inference", inference.TaskTranslation)
	for _, p := range []*inference.TranslationParameters{{SrcLang: "en_XX"}, {TgtLang: "de_DE"}} {
		_, err := c.Translation(t.Context(), "Good morning", p)
		if !errors.Is(err, inference.ErrInvalidOption) || !strings.Contains(err.Error(), "without") {
			t.Errorf("%+v: err = %v, want ErrInvalidOption", p, err)
		}
	}
	if n := len(fake.Requests()); n != 0 {
		t.Errorf("%d requests sent, want none", n)
	}
}

func TestHFInferenceChatWithoutMappingSendsTheHubID(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /hf-inference/models/org/model/v1/chat/completions",
		`{"id":"c1","object":"chat.completion","created":1,"model":"org/model","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}]}`)
	// The Hub maps the model to another provider only.
	hub := inferencetest.NewHub(t, inferencetest.Model{
		ID:       "org/model",
		Mappings: []inferencetest.Mapping{{Provider: "together", ProviderID: "together-id", Task: "conversational"}},
	})
	c := newClient(t, inference.WithProvider("hf-inference"), inference.WithModel("org/model"), inference.WithToken("hf_test"),
		inference.WithRouterURL(fake.URL), inference.WithHubURL(hub.URL), inference.WithMaxRetries(0))
	out, err := c.ChatCompletion(t.Context(), &inference.ChatCompletionInput{Messages: userMessage("hello")})
	if err != nil {
		t.Fatal(err)
	}
	if out.Choices[0].Message.Content != "hi" {
		t.Errorf("out = %+v", out)
	}
	compatCheck(t, fake.only(), compatPost("/hf-inference/models/org/model/v1/chat/completions", "Bearer hf_test",
		`{"model":"org/model","messages":[{"role":"user","content":"hello"}],"stream":false}`))
}

func TestReplicateTakesTheOutputOfAProcessingPrediction(t *testing.T) {
	fake := newFakeAPI(t)
	// 201 Created: the output is there although the status lags behind.
	fake.Status("POST /replicate/v1/models/provider-model-id/predictions", 201, "application/json",
		`{"id":"p9","status":"processing","output":["`+fake.URL+`/files/out.png"],"urls":{"get":"`+fake.URL+`/v1/predictions/p9"}}`)
	fake.Bytes("GET /files/out.png", "image/png", asyncPNG)
	c := asyncRoutedClient(t, fake, "replicate", "provider-model-id", inference.TaskTextToImage)
	img, err := c.TextToImage(t.Context(), "a kite", nil)
	if err != nil {
		t.Fatal(err)
	}
	sameBlob(t, img, asyncPNG, "image/png")
	checkAsyncRequests(t, fake.Requests(), []asyncWant{
		{"POST", "/replicate/v1/models/provider-model-id/predictions", "", "Bearer hf_test", `{"input":{"prompt":"a kite"}}`},
		{"GET", "/files/out.png", "", "", ""},
	})
}
