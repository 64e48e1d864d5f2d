package inference_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/tiny-agents-go/tiny-agents/inference"
)

// The provider x task pairs of the JS registry that joined ours: text and
// speech tasks. Each test serves the provider's own answer shape and
// checks the whole request.

func TestDeepInfraTextToImage(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /deepinfra/v1/openai/images/generations", `{"created":1760000000,"data":[{"b64_json":"`+compatB64(compatPNG)+`"}]}`)
	c := routedClient(t, fake, "deepinfra", inference.TaskTextToImage)
	out, err := c.TextToImage(t.Context(), "a red fox in snow", &inference.TextToImageParameters{
		Width: inference.Ptr(768), Height: inference.Ptr(512), NumInferenceSteps: inference.Ptr(6),
	})
	compatBlob(t, out, err, compatPNG, "image/png")
	compatCheck(t, fake.only(), compatPost("/deepinfra/v1/openai/images/generations", "Bearer hf_test",
		`{"prompt":"a red fox in snow","response_format":"b64_json","model":"provider-model-id","width":768,"height":512,"num_inference_steps":6}`))
}

func TestDeepInfraTextToImageDirectKey(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /v1/openai/images/generations", `{"data":[{"b64_json":"`+compatB64(compatPNG)+`"}]}`)
	c, doer := directClient(t, fake, "deepinfra", inference.TaskTextToImage)
	out, err := c.TextToImage(t.Context(), "a red fox", nil)
	compatBlob(t, out, err, compatPNG, "image/png")
	compatDirectURL(t, doer, "deepinfra", "/v1/openai/images/generations")
	compatCheck(t, fake.only(), compatPost("/v1/openai/images/generations", "Bearer provider-key",
		`{"prompt":"a red fox","response_format":"b64_json","model":"provider-model-id"}`))
}

// groqChatAnswer is a chat completion as groq sends it.
const groqChatAnswer = `{"id":"chatcmpl-7","object":"chat.completion","created":1760000000,"model":"provider-model-id",
	"choices":[{"index":0,"message":{"role":"assistant","content":" a small bird."},"logprobs":null,"finish_reason":"stop"}],
	"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7},"x_groq":{"id":"req_1"}}`

func TestGroqTextGeneration(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /groq/openai/v1/chat/completions", groqChatAnswer)
	c := routedClient(t, fake, "groq", inference.TaskTextGeneration)
	out, err := c.TextGeneration(t.Context(), "A wren is", &inference.TextGenerationInputGenerateParameters{
		MaxNewTokens: inference.Ptr(16), Temperature: inference.Ptr(0.2),
	})
	if err != nil {
		t.Fatal(err)
	}
	if out.GeneratedText != " a small bird." || out.Details == nil || out.Details.FinishReason != "stop" {
		t.Errorf("out = %+v", out)
	}
	compatCheck(t, fake.only(), compatPost("/groq/openai/v1/chat/completions", "Bearer hf_test",
		`{"model":"provider-model-id","messages":[{"role":"user","content":"A wren is"}],"max_tokens":16,"temperature":0.2,"stream":false}`))
}

func TestGroqTextGenerationStream(t *testing.T) {
	fake := newFakeAPI(t)
	fake.Status("POST /groq/openai/v1/chat/completions", 200, "text/event-stream",
		"data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n"+
			"data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" a small\"},\"finish_reason\":null}]}\n\n"+
			"data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" bird.\"},\"finish_reason\":\"stop\"}]}\n\n"+
			"data: [DONE]\n\n")
	c := routedClient(t, fake, "groq", inference.TaskTextGeneration)
	var text strings.Builder
	for ev, err := range c.TextGenerationStream(t.Context(), "A wren is", nil) {
		if err != nil {
			t.Fatal(err)
		}
		text.WriteString(ev.Token.Text)
	}
	if text.String() != " a small bird." {
		t.Errorf("streamed %q", text.String())
	}
	compatCheck(t, fake.only(), compatPost("/groq/openai/v1/chat/completions", "Bearer hf_test",
		`{"model":"provider-model-id","messages":[{"role":"user","content":"A wren is"}],"stream":true}`))
}

func TestGroqTextGenerationDirectKey(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /openai/v1/chat/completions", groqChatAnswer)
	c, doer := directClient(t, fake, "groq", inference.TaskTextGeneration)
	if _, err := c.TextGeneration(t.Context(), "A wren is", nil); err != nil {
		t.Fatal(err)
	}
	compatDirectURL(t, doer, "groq", "/openai/v1/chat/completions")
	compatCheck(t, fake.only(), compatPost("/openai/v1/chat/completions", "Bearer provider-key",
		`{"model":"provider-model-id","messages":[{"role":"user","content":"A wren is"}],"stream":false}`))
}

func TestOVHcloudAndScalewayTextGeneration(t *testing.T) {
	for _, provider := range []string{"ovhcloud", "scaleway"} {
		t.Run(provider, func(t *testing.T) {
			fake := newFakeAPI(t)
			fake.JSON("POST /"+provider+"/v1/completions", compatCompletion)
			c := routedClient(t, fake, provider, inference.TaskTextGeneration)
			out, err := c.TextGeneration(t.Context(), "Hello", &inference.TextGenerationInputGenerateParameters{
				MaxNewTokens: inference.Ptr(5), TopP: inference.Ptr(0.9),
			})
			compatCheckCompletion(t, out, err)
			compatCheck(t, fake.only(), compatPost("/"+provider+"/v1/completions", "Bearer hf_test",
				`{"prompt":"Hello","max_tokens":5,"top_p":0.9,"model":"provider-model-id","stream":false}`))
		})
	}
}

func TestOVHcloudTextGenerationDirectKey(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /v1/completions", compatCompletion)
	c, doer := directClient(t, fake, "ovhcloud", inference.TaskTextGeneration)
	out, err := c.TextGeneration(t.Context(), "Hello", nil)
	compatCheckCompletion(t, out, err)
	compatDirectURL(t, doer, "ovhcloud", "/v1/completions")
	compatCheck(t, fake.only(), compatPost("/v1/completions", "Bearer provider-key",
		`{"prompt":"Hello","model":"provider-model-id","stream":false}`))
}

// togetherTranscript is together's transcription answer.
const togetherTranscript = `{"task":"transcribe","language":"english","duration":1.2,"text":"good evening",
	"segments":[{"id":0,"start":0,"end":1.2,"text":"good evening"}]}`

func TestTogetherAutomaticSpeechRecognition(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /together/v1/audio/transcriptions", togetherTranscript)
	c := routedClient(t, fake, "together", inference.TaskAutomaticSpeechRecognition)
	out, err := c.AutomaticSpeechRecognition(t.Context(), inference.FromBytes(flacBytes), nil,
		inference.ExtraBody(map[string]any{"response_format": "verbose_json"}))
	if err != nil {
		t.Fatal(err)
	}
	want := &inference.AutomaticSpeechRecognitionOutput{Text: "good evening", Chunks: []inference.AutomaticSpeechRecognitionOutputChunk{
		{Text: "good evening", Timestamp: []float64{0, 1.2}},
	}}
	if !reflect.DeepEqual(out, want) {
		t.Errorf("out = %+v", out)
	}
	req := fake.only()
	if req.Method != "POST" || req.Path != "/together/v1/audio/transcriptions" || req.Query != "" || req.Header.Get("Authorization") != "Bearer hf_test" {
		t.Errorf("request = %s %s?%s, Authorization %q", req.Method, req.Path, req.Query, req.Header.Get("Authorization"))
	}
	file, data, fields := deepinfraForm(t, req)
	if file == nil || file.FileName() != "audio.flac" || file.Header.Get("Content-Type") != "audio/flac" || string(data) != string(flacBytes) {
		t.Errorf("file part = %+v, %q", file, data)
	}
	if wantFields := map[string]string{"response_format": "verbose_json", "model": "provider-model-id"}; !reflect.DeepEqual(fields, wantFields) {
		t.Errorf("fields = %v, want %v", fields, wantFields)
	}
}

func TestTogetherAutomaticSpeechRecognitionSendsTheURL(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /together/v1/audio/transcriptions", togetherTranscript)
	c := routedClient(t, fake, "together", inference.TaskAutomaticSpeechRecognition)
	talk := fake.URL + "/files/talk.mp3"
	if _, err := c.AutomaticSpeechRecognition(t.Context(), inference.FromURL(talk), nil); err != nil {
		t.Fatal(err)
	}
	// One request: the sound is not downloaded, together fetches it. The
	// file field is a plain field holding the URL.
	file, data, fields := deepinfraForm(t, fake.only())
	if file == nil || file.FileName() != "" || string(data) != talk {
		t.Errorf("file field = %+v, %q, want the URL", file, data)
	}
	if wantFields := map[string]string{"model": "provider-model-id"}; !reflect.DeepEqual(fields, wantFields) {
		t.Errorf("fields = %v, want %v", fields, wantFields)
	}
}

func TestZaiImageToText(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /zai-org/api/paas/v4/layout_parsing",
		`{"id":"lp-1","created":1760000000,"model":"GLM-OCR","md_results":"# Receipt\n\nTotal: 42.00","layout_details":[[]]}`)
	c := routedClient(t, fake, "zai-org", inference.TaskImageToText)
	out, err := c.ImageToText(t.Context(), inference.FromBytes(compatPNG), nil)
	if err != nil {
		t.Fatal(err)
	}
	if out.GeneratedText != "# Receipt\n\nTotal: 42.00" {
		t.Errorf("out = %+v", out)
	}
	req := fake.only()
	compatCheck(t, req, compatPost("/zai-org/api/paas/v4/layout_parsing", "Bearer hf_test",
		`{"model":"provider-model-id","file":"data:image/png;base64,`+compatB64(compatPNG)+`"}`))
	zaiCheckHeaders(t, req)
}

func TestZaiImageToTextWrongShape(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /zai-org/api/paas/v4/layout_parsing", `{"id":"lp-2","layout_details":[]}`)
	c := routedClient(t, fake, "zai-org", inference.TaskImageToText)
	_, err := c.ImageToText(t.Context(), inference.FromBytes(compatPNG), nil)
	compatResponseError(t, err, inference.TaskImageToText, "zai-org")
}

func TestHFInferenceTextToAudio(t *testing.T) {
	fake := newFakeAPI(t)
	fake.Bytes("POST "+hfPath, "audio/flac", flacBytes)
	c := routedClient(t, fake, "hf-inference", inference.TaskTextToAudio)
	out, err := c.TextToAudio(t.Context(), "rain on a tin roof", &inference.TextToAudioParameters{
		GenerationParameters: &inference.GenerationParameters{MaxNewTokens: inference.Ptr(256)},
	})
	compatBlob(t, out, err, flacBytes, "audio/flac")
	compatCheck(t, fake.only(), compatPost(hfPath, "Bearer hf_test",
		`{"inputs":"rain on a tin roof","parameters":{"generation_parameters":{"max_new_tokens":256}}}`))
}
