package inference_test

import (
	"io"
	"mime"
	"mime/multipart"
	"reflect"
	"strings"
	"testing"

	"github.com/tiny-agents-go/tiny-agents/inference"
)

func TestDeepInfraTextGeneration(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /deepinfra/v1/openai/completions", compatCompletion)
	c := routedClient(t, fake, "deepinfra", inference.TaskTextGeneration)
	out, err := c.TextGeneration(t.Context(), "Hello", &inference.TextGenerationInputGenerateParameters{
		MaxNewTokens: inference.Ptr(5), Seed: inference.Ptr(42),
	})
	compatCheckCompletion(t, out, err)
	compatCheck(t, fake.only(), compatPost("/deepinfra/v1/openai/completions", "Bearer hf_test",
		`{"prompt":"Hello","max_tokens":5,"seed":42,"model":"provider-model-id","stream":false}`))
}

func TestDeepInfraFeatureExtraction(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /deepinfra/v1/openai/embeddings", compatEmbeddingsAnswer)
	c := routedClient(t, fake, "deepinfra", inference.TaskFeatureExtraction)
	out, err := c.FeatureExtractionBatch(t.Context(), []string{"a", "b"}, &inference.FeatureExtractionParameters{Normalize: inference.Ptr(false)})
	compatCheckEmbeddings(t, out, err)
	compatCheck(t, fake.only(), compatPost("/deepinfra/v1/openai/embeddings", "Bearer hf_test",
		`{"input":["a","b"],"normalize":false,"model":"provider-model-id"}`))
}

func TestDeepInfraTextToSpeech(t *testing.T) {
	fake := newFakeAPI(t)
	wav := []byte("RIFF\x24\x00\x00\x00WAVEfmt fake sound")
	fake.Bytes("POST /deepinfra/v1/openai/audio/speech", "audio/wav", wav)
	c := routedClient(t, fake, "deepinfra", inference.TaskTextToSpeech)
	out, err := c.TextToSpeech(t.Context(), "Hi there", nil, inference.ExtraBody(map[string]any{"voice": "luna", "response_format": "wav"}))
	compatBlob(t, out, err, wav, "audio/wav")
	compatCheck(t, fake.only(), compatPost("/deepinfra/v1/openai/audio/speech", "Bearer hf_test",
		`{"input":"Hi there","voice":"luna","response_format":"wav","model":"provider-model-id"}`))
}

// deepinfraForm reads a multipart request: its file part and its fields.
func deepinfraForm(t *testing.T, r recorded) (file *multipart.Part, data []byte, fields map[string]string) {
	t.Helper()
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		t.Fatalf("Content-Type = %q", r.Header.Get("Content-Type"))
	}
	mr := multipart.NewReader(strings.NewReader(string(r.Body)), params["boundary"])
	fields = map[string]string{}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return file, data, fields
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p)
		if p.FormName() == "file" {
			file, data = p, b
			continue
		}
		fields[p.FormName()] = string(b)
	}
}

func TestDeepInfraAutomaticSpeechRecognition(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /deepinfra/v1/openai/audio/transcriptions", `{"text":"hello world","language":"en","duration":1.5,
		"segments":[{"id":0,"start":0,"end":0.7,"text":"hello"},{"id":1,"start":0.7,"end":1.5,"text":" world"}]}`)
	c := routedClient(t, fake, "deepinfra", inference.TaskAutomaticSpeechRecognition)
	wav := []byte("RIFF\x24\x00\x00\x00WAVEfmt fake sound")
	out, err := c.AutomaticSpeechRecognition(t.Context(), inference.FromBytes(wav),
		&inference.AutomaticSpeechRecognitionParameters{ReturnTimestamps: inference.Ptr(true)},
		inference.ExtraBody(map[string]any{"language": "en"}))
	if err != nil {
		t.Fatal(err)
	}
	want := &inference.AutomaticSpeechRecognitionOutput{Text: "hello world", Chunks: []inference.AutomaticSpeechRecognitionOutputChunk{
		{Text: "hello", Timestamp: []float64{0, 0.7}}, {Text: " world", Timestamp: []float64{0.7, 1.5}},
	}}
	if !reflect.DeepEqual(out, want) {
		t.Errorf("out = %+v", out)
	}
	req := fake.only()
	if req.Method != "POST" || req.Path != "/deepinfra/v1/openai/audio/transcriptions" || req.Query != "" ||
		req.Header.Get("Authorization") != "Bearer hf_test" {
		t.Errorf("request = %s %s?%s, Authorization %q", req.Method, req.Path, req.Query, req.Header.Get("Authorization"))
	}
	file, data, fields := deepinfraForm(t, req)
	if file == nil || file.FileName() != "audio.wav" || file.Header.Get("Content-Type") != "audio/wav" || string(data) != string(wav) {
		t.Errorf("file part = %+v, %q", file, data)
	}
	wantFields := map[string]string{"return_timestamps": "true", "language": "en", "model": "provider-model-id"}
	if !reflect.DeepEqual(fields, wantFields) {
		t.Errorf("fields = %v, want %v", fields, wantFields)
	}
}

func TestDeepInfraDirectKey(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /v1/openai/completions", compatCompletion)
	c, doer := directClient(t, fake, "deepinfra", inference.TaskTextGeneration)
	out, err := c.TextGeneration(t.Context(), "Hello", nil)
	compatCheckCompletion(t, out, err)
	compatDirectURL(t, doer, "deepinfra", "/v1/openai/completions")
	compatCheck(t, fake.only(), compatPost("/v1/openai/completions", "Bearer provider-key",
		`{"prompt":"Hello","model":"provider-model-id","stream":false}`))
}

func TestDeepInfraWrongShape(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /deepinfra/v1/openai/audio/transcriptions", `{"segments":[]}`)
	c := routedClient(t, fake, "deepinfra", inference.TaskAutomaticSpeechRecognition)
	_, err := c.AutomaticSpeechRecognition(t.Context(), inference.FromBytes([]byte("RIFF\x24\x00\x00\x00WAVE")), nil)
	compatResponseError(t, err, inference.TaskAutomaticSpeechRecognition, "deepinfra")

	fake.JSON("POST /deepinfra/v1/openai/audio/speech", `{"detail":"no voice"}`)
	c = routedClient(t, fake, "deepinfra", inference.TaskTextToSpeech)
	_, err = c.TextToSpeech(t.Context(), "Hi", nil)
	compatResponseError(t, err, inference.TaskTextToSpeech, "deepinfra")
}
