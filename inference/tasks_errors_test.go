package inference_test

import (
	"bytes"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
)

// Errors of the task methods, and the binary inputs they read.

func TestTaskMissingFile(t *testing.T) {
	fake := newFakeAPI(t)
	c := routedClient(t, fake, "hf-inference", inference.TaskImageClassification)
	path := filepath.Join(t.TempDir(), "no-such-cat.png")
	_, err := c.ImageClassification(t.Context(), inference.FromFile(path), nil)
	if !errors.Is(err, inference.ErrMedia) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("err = %v, want ErrMedia and fs.ErrNotExist", err)
	}
	if err != nil && (!strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "image-classification")) {
		t.Errorf("err = %q, want the path and the task named", err)
	}
	if n := len(fake.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

func TestTaskFileInput(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST "+hfPath, `{"text":"hi"}`)
	c := routedClient(t, fake, "hf-inference", inference.TaskAutomaticSpeechRecognition)
	path := filepath.Join(t.TempDir(), "speech.mp3")
	if err := os.WriteFile(path, []byte("ID3 not really an mp3"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AutomaticSpeechRecognition(t.Context(), inference.FromFile(path), nil); err != nil {
		t.Fatal(err)
	}
	req := fake.only()
	// The type comes from the extension when the bytes say nothing.
	checkRequest(t, req, hfPath, "audio/mpeg")
	if string(req.Body) != "ID3 not really an mp3" {
		t.Errorf("body = %q", req.Body)
	}
}

func TestTaskURLInputNotFound(t *testing.T) {
	fake := newFakeAPI(t)
	c := routedClient(t, fake, "hf-inference", inference.TaskImageClassification)
	u := fake.URL + "/images/missing.png"
	_, err := c.ImageClassification(t.Context(), inference.FromURL(u), nil)
	if !errors.Is(err, inference.ErrMedia) {
		t.Fatalf("err = %v, want ErrMedia", err)
	}
	if !strings.Contains(err.Error(), "404") || !strings.Contains(err.Error(), u) {
		t.Errorf("err = %q, want the status and the URL", err)
	}
	reqs := fake.Requests()
	if len(reqs) != 1 || reqs[0].Method != http.MethodGet {
		t.Errorf("requests = %+v, want the GET of the input alone", reqs)
	}
}

func TestTaskURLInputFetched(t *testing.T) {
	fake := newFakeAPI(t)
	img := pngImage(t, 2, 2)
	fake.Bytes("GET /images/cat.png", "image/png", img)
	fake.JSON("POST "+hfPath, `[{"label":"cat","score":0.9}]`)
	c := routedClient(t, fake, "hf-inference", inference.TaskImageClassification)
	out, err := c.ImageClassification(t.Context(), inference.FromURL(fake.URL+"/images/cat.png"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 1 || out[0].Label != "cat" {
		t.Errorf("out = %+v", out)
	}
	reqs := fake.Requests()
	if len(reqs) != 2 || reqs[0].Method != http.MethodGet || reqs[0].Path != "/images/cat.png" {
		t.Fatalf("requests = %+v, want the GET of the input then the call", reqs)
	}
	if reqs[0].Header.Get("Authorization") != "" {
		t.Error("the input URL was fetched with the client's token")
	}
	checkRequest(t, reqs[1], hfPath, "image/png")
	if !bytes.Equal(reqs[1].Body, img) {
		t.Error("the fetched bytes were not sent")
	}
}

func TestTaskDataURLInput(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST "+hfPath, `[{"label":"cat","score":0.9}]`, `[{"label":"dog","score":0.8}]`)
	c := routedClient(t, fake, "hf-inference", inference.TaskImageClassification)
	img := pngImage(t, 2, 2)
	if _, err := c.ImageClassification(t.Context(), inference.FromURL("data:image/png;base64,"+b64(img)), nil); err != nil {
		t.Fatal(err)
	}
	// With parameters the decoded bytes go in base64 inside the JSON body.
	if _, err := c.ImageClassification(t.Context(), inference.FromURL("data:image/png;base64,"+b64(img)),
		&inference.ImageClassificationParameters{TopK: inference.Ptr(1)}); err != nil {
		t.Fatal(err)
	}
	reqs := fake.Requests()
	checkRequest(t, reqs[0], hfPath, "image/png")
	if !bytes.Equal(reqs[0].Body, img) {
		t.Error("the decoded bytes were not sent")
	}
	checkRequest(t, reqs[1], hfPath, "application/json")
	sameJSONBody(t, reqs[1].Body, `{"inputs":"`+b64(img)+`","parameters":{"top_k":1}}`)

	for _, bad := range []string{"data:image/png;base64,%%%", "data:image/png;base64", "ftp://example.invalid/cat.png"} {
		_, err := c.ImageClassification(t.Context(), inference.FromURL(bad), nil)
		if !errors.Is(err, inference.ErrMedia) {
			t.Errorf("%s: err = %v, want ErrMedia", bad, err)
		}
	}
	if n := len(fake.Requests()); n != 2 {
		t.Errorf("%d requests, want no more for bad inputs", n)
	}
}

func TestTaskReaderInput(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST "+hfPath, `[{"label":"hap","score":0.7}]`)
	c := routedClient(t, fake, "hf-inference", inference.TaskAudioClassification)
	r := bytes.NewReader(flacBytes)
	if _, err := c.AudioClassification(t.Context(), inference.FromReader(r).WithContentType("audio/x-flac"), nil); err != nil {
		t.Fatal(err)
	}
	if r.Len() != 0 {
		t.Errorf("%d bytes left unread", r.Len())
	}
	req := fake.only()
	checkRequest(t, req, hfPath, "audio/x-flac")
	if !bytes.Equal(req.Body, flacBytes) {
		t.Errorf("body = %q", req.Body)
	}
}

func TestTaskNoInput(t *testing.T) {
	fake := newFakeAPI(t)
	c := routedClient(t, fake, "hf-inference", inference.TaskImageClassification)
	var zero inference.Media
	if !zero.IsZero() {
		t.Error("zero Media is not IsZero")
	}
	_, err := c.ImageClassification(t.Context(), zero, nil)
	if !errors.Is(err, inference.ErrMedia) {
		t.Errorf("err = %v, want ErrMedia", err)
	}
	if n := len(fake.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

func TestTaskNotSupportedByProvider(t *testing.T) {
	fake := newFakeAPI(t)
	c := routedClient(t, fake, "cerebras", inference.TaskTextToImage)
	_, err := c.TextToImage(t.Context(), "a cat", nil)
	if !errors.Is(err, inference.ErrTaskNotSupported) {
		t.Errorf("err = %v, want ErrTaskNotSupported", err)
	}
	if err != nil && (!strings.Contains(err.Error(), "text-to-image") || !strings.Contains(err.Error(), "cerebras")) {
		t.Errorf("err = %q, want the task and provider named", err)
	}
	if n := len(fake.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

func TestTaskModelNotMapped(t *testing.T) {
	fake := newFakeAPI(t)
	// With provider auto, the model's mapping has no provider serving the
	// task.
	hub := inferencetest.NewHub(t, inferencetest.Model{
		ID:       "org/chat-only",
		Mappings: []inferencetest.Mapping{{Provider: "groq", ProviderID: "chat-only", Task: "conversational"}},
	})
	c := newClient(t, inference.WithModel("org/chat-only"), inference.WithToken("hf_test"),
		inference.WithRouterURL(fake.URL), inference.WithHubURL(hub.URL), inference.WithMaxRetries(0))
	_, err := c.TextClassification(t.Context(), "hello", nil)
	if !errors.Is(err, inference.ErrModelNotMapped) {
		t.Errorf("err = %v, want ErrModelNotMapped", err)
	}
	if err != nil && !strings.Contains(err.Error(), "org/chat-only") {
		t.Errorf("err = %q, want the model named", err)
	}
	if n := len(fake.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

func TestTaskModelNotMappedToProvider(t *testing.T) {
	// Any provider other than hf-inference that serves text-to-image looks
	// the model up on the Hub, which maps it elsewhere.
	provider := ""
	for _, name := range inference.Providers() {
		if name != "hf-inference" && slices.Contains(inference.SupportedTasks(name), inference.TaskTextToImage) {
			provider = name
			break
		}
	}
	if provider == "" {
		t.Skip("no provider besides hf-inference serves text-to-image")
	}
	fake := newFakeAPI(t)
	hub := inferencetest.NewHub(t, inferencetest.Model{
		ID:       "org/painter",
		Mappings: []inferencetest.Mapping{{Provider: "some-other-provider", ProviderID: "painter", Task: "text-to-image"}},
	})
	c := newClient(t, inference.WithProvider(provider), inference.WithModel("org/painter"), inference.WithToken("hf_test"),
		inference.WithRouterURL(fake.URL), inference.WithHubURL(hub.URL), inference.WithMaxRetries(0))
	_, err := c.TextToImage(t.Context(), "a cat", nil)
	if !errors.Is(err, inference.ErrModelNotMapped) {
		t.Errorf("provider %s: err = %v, want ErrModelNotMapped", provider, err)
	}
	if err != nil && (!strings.Contains(err.Error(), "org/painter") || !strings.Contains(err.Error(), provider)) {
		t.Errorf("err = %q, want the model and the provider named", err)
	}
	if n := len(fake.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

func TestTaskWrongShape(t *testing.T) {
	cases := []struct {
		name, body string
		call       func(*inference.Client) error
		task       inference.Task
	}{
		{"object for a list", `{"label":"POSITIVE"}`, func(c *inference.Client) error {
			_, err := c.TextClassification(t.Context(), "x", nil)
			return err
		}, inference.TaskTextClassification},
		{"empty list", `[]`, func(c *inference.Client) error {
			_, err := c.Summarization(t.Context(), "x", nil)
			return err
		}, inference.TaskSummarization},
		{"string", `"oops"`, func(c *inference.Client) error {
			_, err := c.AutomaticSpeechRecognition(t.Context(), inference.FromBytes(flacBytes), nil)
			return err
		}, inference.TaskAutomaticSpeechRecognition},
		{"html", `<html>Bad gateway</html>`, func(c *inference.Client) error {
			_, err := c.SentenceSimilarity(t.Context(), "a", []string{"b"})
			return err
		}, inference.TaskSentenceSimilarity},
		{"text generation", `{"generated_text":42}`, func(c *inference.Client) error {
			_, err := c.TextGeneration(t.Context(), "x", nil)
			return err
		}, inference.TaskTextGeneration},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fake := newFakeAPI(t)
			fake.JSON("POST "+hfPath, tc.body)
			fake.JSON("POST "+hfPath+"/pipeline/sentence-similarity", tc.body)
			c := routedClient(t, fake, "hf-inference", tc.task)
			err := tc.call(c)
			var re *inference.ResponseError
			if !errors.As(err, &re) {
				t.Fatalf("err = %v (%T), want a *ResponseError", err, err)
			}
			if re.Task != tc.task || re.Provider != "provider hf-inference" || re.Body != tc.body {
				t.Errorf("ResponseError = %+v", re)
			}
			if msg := err.Error(); !strings.Contains(msg, string(tc.task)) || !strings.Contains(msg, "hf-inference") {
				t.Errorf("message %q does not name the task and the provider", msg)
			}
		})
	}
}

func TestTaskBadEmbeddings(t *testing.T) {
	for _, body := range []string{
		`[[1,2],[3]]`,     // ragged
		`[[[1,2]],[[3]]]`, // ragged deeper down
		`[["a","b"]]`,     // strings
		`[[1,[2]]]`,       // numbers beside arrays
		`[[1],2]`,         // arrays beside numbers
		`[[1,2]`,          // cut
		`[[1,2]] x`,       // trailing data
		`[[1e999]]`,       // out of float32 range
		`[[null]]`,        // null
		`"not an array"`,  // not an array at all
		`{"data":[]}`,     // OpenAI shape without data
		`{"data":[{"embedding":[1,2]},{"embedding":[3]}]}`, // OpenAI shape, ragged
		``, // nothing
	} {
		t.Run(body, func(t *testing.T) {
			fake := newFakeAPI(t)
			fake.JSON("POST "+hfPath+"/pipeline/feature-extraction", body)
			c := routedClient(t, fake, "hf-inference", inference.TaskFeatureExtraction)
			out, err := c.FeatureExtraction(t.Context(), "x", nil)
			var re *inference.ResponseError
			if !errors.As(err, &re) || re.Task != inference.TaskFeatureExtraction {
				t.Errorf("out = %+v, err = %v, want a *ResponseError", out, err)
			}
		})
	}
}

func TestTaskEmptyBinaryAnswer(t *testing.T) {
	fake := newFakeAPI(t)
	fake.Bytes("POST "+hfPath, "image/png", nil)
	c := routedClient(t, fake, "hf-inference", inference.TaskTextToImage)
	out, err := c.TextToImage(t.Context(), "a cat", nil)
	var re *inference.ResponseError
	if !errors.As(err, &re) || out != nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("out = %v, err = %v, want a ResponseError about the empty answer", out, err)
	}
}

func TestZeroShotNeedsCandidateLabels(t *testing.T) {
	fake := newFakeAPI(t)
	c := routedClient(t, fake, "hf-inference", inference.TaskZeroShotClassification)
	if _, err := c.ZeroShotClassification(t.Context(), "x", nil); !errors.Is(err, inference.ErrInvalidOption) {
		t.Errorf("nil parameters: err = %v", err)
	}
	_, err := c.ZeroShotClassification(t.Context(), "x", &inference.ZeroShotClassificationParameters{MultiLabel: inference.Ptr(true)})
	if !errors.Is(err, inference.ErrInvalidOption) || !strings.Contains(err.Error(), "candidate labels") {
		t.Errorf("no labels: err = %v", err)
	}
	if _, err := c.ZeroShotImageClassification(t.Context(), inference.FromBytes(pngImage(t, 1, 1)), nil); !errors.Is(err, inference.ErrInvalidOption) {
		t.Errorf("image, nil parameters: err = %v", err)
	}
	if n := len(fake.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

func TestTaskHTTPError(t *testing.T) {
	fake := newFakeAPI(t)
	fake.Status("POST "+hfPath, http.StatusServiceUnavailable, "application/json", `{"error":"Model org/model is currently loading","estimated_time":20}`)
	c := routedClient(t, fake, "hf-inference", inference.TaskFillMask)
	_, err := c.FillMask(t.Context(), "a [MASK]", nil)
	var he *inference.HTTPError
	if !errors.As(err, &he) || he.StatusCode != http.StatusServiceUnavailable || he.ServerMessage != "Model org/model is currently loading" {
		t.Errorf("err = %v, want the 503 with its message", err)
	}
}

func TestTaskNeedsToken(t *testing.T) {
	fake := newFakeAPI(t)
	c := newClient(t, inference.WithProvider("hf-inference"), inference.WithModel("org/model"), inference.WithRouterURL(fake.URL))
	if _, err := c.FillMask(t.Context(), "a [MASK]", nil); !errors.Is(err, inference.ErrNoToken) {
		t.Errorf("err = %v, want ErrNoToken", err)
	}
	if n := len(fake.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

func TestExtraBody(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST "+hfPath, `[{"label":"cat","score":0.9}]`)
	c := routedClient(t, fake, "hf-inference", inference.TaskImageClassification)
	img := pngImage(t, 1, 1)
	// Extra fields turn a binary body into JSON, with the fields at the top.
	if _, err := c.ImageClassification(t.Context(), inference.FromBytes(img), nil, inference.ExtraBody(map[string]any{"options": map[string]any{"wait_for_model": true}})); err != nil {
		t.Fatal(err)
	}
	req := fake.only()
	checkRequest(t, req, hfPath, "application/json")
	sameJSONBody(t, req.Body, `{"inputs":"`+b64(img)+`","options":{"wait_for_model":true}}`)
}
