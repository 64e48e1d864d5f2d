package inference_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/tiny-agents-go/tiny-agents/inference"
)

// sameJSONBody fails unless body is the JSON value want.
func sameJSONBody(t *testing.T, body []byte, want string) {
	t.Helper()
	var got, exp any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("body is not JSON: %v: %s", err, body)
	}
	if err := json.Unmarshal([]byte(want), &exp); err != nil {
		t.Fatalf("bad want: %v", err)
	}
	if !reflect.DeepEqual(got, exp) {
		t.Errorf("body = %s\nwant   %s", body, want)
	}
}

func TestHFInferenceTextClassification(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /hf-inference/models/org/model", `[[{"label":"POSITIVE","score":0.98},{"label":"NEGATIVE","score":0.02}]]`)
	c := routedClient(t, fake, "hf-inference", inference.TaskTextClassification)
	out, err := c.TextClassification(context.Background(), "I like it", &inference.TextClassificationParameters{TopK: inference.Ptr(2)})
	if err != nil {
		t.Fatal(err)
	}
	want := []inference.TextClassificationOutputElement{{Label: "POSITIVE", Score: 0.98}, {Label: "NEGATIVE", Score: 0.02}}
	if !reflect.DeepEqual(out, want) {
		t.Errorf("out = %+v", out)
	}
	req := fake.only()
	sameJSONBody(t, req.Body, `{"inputs":"I like it","parameters":{"top_k":2}}`)
	if got := req.Header.Get("Authorization"); got != "Bearer hf_test" {
		t.Errorf("Authorization = %q", got)
	}
}

func TestHFInferenceFeatureExtraction(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /hf-inference/models/org/model/pipeline/feature-extraction", `[[0.5,-1.25,3e-2]]`)
	c := routedClient(t, fake, "hf-inference", inference.TaskFeatureExtraction)
	out, err := c.FeatureExtraction(context.Background(), "hello", &inference.FeatureExtractionParameters{Normalize: inference.Ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(out.Shape, []int{1, 3}) || !reflect.DeepEqual(out.Values, []float32{0.5, -1.25, 0.03}) {
		t.Errorf("out = %+v", out)
	}
	sameJSONBody(t, fake.only().Body, `{"inputs":"hello","normalize":true}`)
}

func TestHFInferenceImageClassificationSendsBytes(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /hf-inference/models/org/model", `[{"label":"cat","score":0.9}]`)
	c := routedClient(t, fake, "hf-inference", inference.TaskImageClassification)
	png := []byte("\x89PNG\r\n\x1a\n rest of image")
	out, err := c.ImageClassification(context.Background(), inference.FromBytes(png), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 1 || out[0].Label != "cat" {
		t.Errorf("out = %+v", out)
	}
	req := fake.only()
	if string(req.Body) != string(png) || req.Header.Get("Content-Type") != "image/png" {
		t.Errorf("body %q, content type %q", req.Body, req.Header.Get("Content-Type"))
	}
}

// hfPath is the path of org/model's hf-inference route on the fake router.
const hfPath = "/hf-inference/models/org/model"

// checkRequest fails unless req is a POST to path with the routed client's
// token and the given content type.
func checkRequest(t *testing.T, req recorded, path, contentType string) {
	t.Helper()
	if req.Method != http.MethodPost || req.Path != path {
		t.Errorf("request = %s %s, want POST %s", req.Method, req.Path, path)
	}
	if got := req.Header.Get("Authorization"); got != "Bearer hf_test" {
		t.Errorf("Authorization = %q, want Bearer hf_test", got)
	}
	if got := req.Header.Get("Content-Type"); got != contentType {
		t.Errorf("Content-Type = %q, want %q", got, contentType)
	}
}

// pngImage encodes a w×h PNG with a red top-left pixel.
func pngImage(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.NRGBA{R: 255, A: 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// flacBytes is the start of a FLAC file, enough to be sniffed as one.
var flacBytes = []byte("fLaC\x00\x00\x00\x22 some audio frames")

func TestHFInferenceImageClassificationWithParameters(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST "+hfPath, `[{"label":"tabby, tabby cat","score":0.71},{"label":"Egyptian cat","score":0.2}]`)
	c := routedClient(t, fake, "hf-inference", inference.TaskImageClassification)
	img := pngImage(t, 2, 2)
	out, err := c.ImageClassification(t.Context(), inference.FromBytes(img),
		&inference.ImageClassificationParameters{TopK: inference.Ptr(2), FunctionToApply: inference.ClassificationOutputTransformSoftmax})
	if err != nil {
		t.Fatal(err)
	}
	want := []inference.ImageClassificationOutputElement{{Label: "tabby, tabby cat", Score: 0.71}, {Label: "Egyptian cat", Score: 0.2}}
	if !reflect.DeepEqual(out, want) {
		t.Errorf("out = %+v", out)
	}
	req := fake.only()
	checkRequest(t, req, hfPath, "application/json")
	sameJSONBody(t, req.Body, `{"inputs":"`+b64(img)+`","parameters":{"top_k":2,"function_to_apply":"softmax"}}`)
}

func TestHFInferenceAudioClassification(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST "+hfPath, `[{"score":0.86,"label":"hap"},{"score":0.1,"label":"neu"}]`)
	c := routedClient(t, fake, "hf-inference", inference.TaskAudioClassification)
	out, err := c.AudioClassification(t.Context(), inference.FromBytes(flacBytes), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []inference.AudioClassificationOutputElement{{Label: "hap", Score: 0.86}, {Label: "neu", Score: 0.1}}
	if !reflect.DeepEqual(out, want) {
		t.Errorf("out = %+v", out)
	}
	req := fake.only()
	checkRequest(t, req, hfPath, "audio/flac")
	if !bytes.Equal(req.Body, flacBytes) {
		t.Errorf("body = %q, want the raw audio", req.Body)
	}
}

func TestHFInferenceAudioToAudio(t *testing.T) {
	fake := newFakeAPI(t)
	s1, s2 := []byte("RIFF....WAVEfmt speaker one"), []byte("RIFF....WAVEfmt speaker two")
	fake.JSON("POST "+hfPath, `[{"label":"speech_0","content-type":"audio/wav","blob":"`+b64(s1)+`"},`+
		`{"label":"speech_1","content-type":"audio/wav","blob":"`+b64(s2)+`"}]`)
	c := routedClient(t, fake, "hf-inference", inference.TaskAudioToAudio)
	out, err := c.AudioToAudio(t.Context(), inference.FromBytes(flacBytes))
	if err != nil {
		t.Fatal(err)
	}
	want := []inference.AudioToAudioOutput{
		{Label: "speech_0", Blob: inference.Blob{Data: s1, ContentType: "audio/wav"}},
		{Label: "speech_1", Blob: inference.Blob{Data: s2, ContentType: "audio/wav"}},
	}
	if !reflect.DeepEqual(out, want) {
		t.Errorf("out = %+v", out)
	}
	req := fake.only()
	checkRequest(t, req, hfPath, "audio/flac")
	if !bytes.Equal(req.Body, flacBytes) {
		t.Errorf("body = %q, want the raw audio", req.Body)
	}
}

func TestHFInferenceAudioToAudioBadBlob(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST "+hfPath, `[{"label":"speech_0","content-type":"audio/wav","blob":"not base64!"}]`)
	c := routedClient(t, fake, "hf-inference", inference.TaskAudioToAudio)
	_, err := c.AudioToAudio(t.Context(), inference.FromBytes(flacBytes))
	var re *inference.ResponseError
	if !errors.As(err, &re) || !strings.Contains(err.Error(), "speech_0") {
		t.Errorf("err = %v, want a ResponseError naming the label", err)
	}
}

func TestHFInferenceAutomaticSpeechRecognition(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST "+hfPath, `{"text":" Going along slushy country roads.","chunks":[{"text":" Going along","timestamp":[0.0,1.2]},{"text":" slushy country roads.","timestamp":[1.2,3.5]}]}`)
	c := routedClient(t, fake, "hf-inference", inference.TaskAutomaticSpeechRecognition)
	out, err := c.AutomaticSpeechRecognition(t.Context(), inference.FromBytes(flacBytes),
		&inference.AutomaticSpeechRecognitionParameters{ReturnTimestamps: inference.Ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	want := &inference.AutomaticSpeechRecognitionOutput{
		Text: " Going along slushy country roads.",
		Chunks: []inference.AutomaticSpeechRecognitionOutputChunk{
			{Text: " Going along", Timestamp: []float64{0, 1.2}},
			{Text: " slushy country roads.", Timestamp: []float64{1.2, 3.5}},
		},
	}
	if !reflect.DeepEqual(out, want) {
		t.Errorf("out = %+v", out)
	}
	req := fake.only()
	checkRequest(t, req, hfPath, "application/json")
	sameJSONBody(t, req.Body, `{"inputs":"`+b64(flacBytes)+`","parameters":{"return_timestamps":true}}`)
}

func TestHFInferenceAutomaticSpeechRecognitionRawBytes(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST "+hfPath, `{"text":"hello"}`)
	c := routedClient(t, fake, "hf-inference", inference.TaskAutomaticSpeechRecognition)
	out, err := c.AutomaticSpeechRecognition(t.Context(), inference.FromBytes(flacBytes), nil)
	if err != nil {
		t.Fatal(err)
	}
	if out.Text != "hello" || out.Chunks != nil {
		t.Errorf("out = %+v", out)
	}
	req := fake.only()
	checkRequest(t, req, hfPath, "audio/flac")
	if !bytes.Equal(req.Body, flacBytes) {
		t.Errorf("body = %q, want the raw audio", req.Body)
	}
}

func TestHFInferenceDocumentQuestionAnswering(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST "+hfPath, `[{"answer":"us-001","score":0.43,"start":16,"end":16},{"answer":"us","score":0.1,"start":16,"end":17}]`)
	c := routedClient(t, fake, "hf-inference", inference.TaskDocumentQuestionAnswering)
	img := pngImage(t, 3, 2)
	out, err := c.DocumentQuestionAnswering(t.Context(), inference.FromBytes(img), "What is the invoice number?",
		&inference.DocumentQuestionAnsweringParameters{TopK: inference.Ptr(2)})
	if err != nil {
		t.Fatal(err)
	}
	want := []inference.DocumentQuestionAnsweringOutputElement{
		{Answer: "us-001", Score: inference.Ptr(0.43), Start: inference.Ptr(16), End: inference.Ptr(16)},
		{Answer: "us", Score: inference.Ptr(0.1), Start: inference.Ptr(16), End: inference.Ptr(17)},
	}
	if !reflect.DeepEqual(out, want) {
		t.Errorf("out = %+v", out)
	}
	req := fake.only()
	checkRequest(t, req, hfPath, "application/json")
	sameJSONBody(t, req.Body, `{"inputs":{"question":"What is the invoice number?","image":"`+b64(img)+`"},"parameters":{"top_k":2}}`)
}

func TestHFInferenceImageSegmentation(t *testing.T) {
	fake := newFakeAPI(t)
	mask := pngImage(t, 4, 3)
	fake.JSON("POST "+hfPath, `[{"score":0.98,"label":"cat","mask":"`+b64(mask)+`"},`+
		`{"score":null,"label":"wall","mask":"data:image/png;base64,`+b64(mask)+`"}]`)
	c := routedClient(t, fake, "hf-inference", inference.TaskImageSegmentation)
	img := pngImage(t, 4, 3)
	out, err := c.ImageSegmentation(t.Context(), inference.FromBytes(img), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 2 || out[0].Label != "cat" || out[0].Score == nil || *out[0].Score != 0.98 || out[1].Label != "wall" || out[1].Score != nil {
		t.Fatalf("out = %+v", out)
	}
	for i := range out {
		m, err := out[i].MaskImage()
		if err != nil {
			t.Fatalf("MaskImage %d: %v", i, err)
		}
		if b := m.Bounds(); b.Dx() != 4 || b.Dy() != 3 {
			t.Errorf("mask %d bounds = %v", i, b)
		}
		if r, _, _, _ := m.At(0, 0).RGBA(); r != 0xffff {
			t.Errorf("mask %d pixel (0,0) red = %#x", i, r)
		}
	}
	req := fake.only()
	checkRequest(t, req, hfPath, "image/png")
	if !bytes.Equal(req.Body, img) {
		t.Error("body is not the raw image")
	}
	bad := inference.ImageSegmentationOutputElement{Label: "sky", Mask: "%%%"}
	if _, err := bad.MaskImage(); err == nil || !strings.Contains(err.Error(), "sky") {
		t.Errorf("bad mask: err = %v", err)
	}
}

func TestHFInferenceImageToImage(t *testing.T) {
	fake := newFakeAPI(t)
	result := pngImage(t, 8, 6)
	fake.Bytes("POST "+hfPath, "application/octet-stream", result)
	c := routedClient(t, fake, "hf-inference", inference.TaskImageToImage)
	img := pngImage(t, 2, 2)
	out, err := c.ImageToImage(t.Context(), inference.FromBytes(img), &inference.ImageToImageParameters{
		Prompt: "make it a watercolor", TargetSize: &inference.ImageToImageParametersTargetSize{Width: 8, Height: 6},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Data, result) || out.ContentType != "image/png" {
		t.Errorf("blob = %d bytes of %q", len(out.Data), out.ContentType)
	}
	decoded, err := out.Image()
	if err != nil {
		t.Fatal(err)
	}
	if b := decoded.Bounds(); b.Dx() != 8 || b.Dy() != 6 {
		t.Errorf("image bounds = %v", b)
	}
	req := fake.only()
	checkRequest(t, req, hfPath, "application/json")
	sameJSONBody(t, req.Body, `{"inputs":"`+b64(img)+`","parameters":{"prompt":"make it a watercolor","target_size":{"width":8,"height":6}}}`)
}

func TestHFInferenceImageToText(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST "+hfPath, `[{"generated_text":"a cat sitting on a couch"}]`)
	c := routedClient(t, fake, "hf-inference", inference.TaskImageToText)
	img := pngImage(t, 2, 2)
	out, err := c.ImageToText(t.Context(), inference.FromBytes(img), nil)
	if err != nil {
		t.Fatal(err)
	}
	if out.GeneratedText != "a cat sitting on a couch" {
		t.Errorf("out = %+v", out)
	}
	req := fake.only()
	checkRequest(t, req, hfPath, "image/png")
	if !bytes.Equal(req.Body, img) {
		t.Error("body is not the raw image")
	}
}

func TestHFInferenceObjectDetection(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST "+hfPath, `[{"score":0.99,"label":"cat","box":{"xmin":13,"ymin":52,"xmax":314,"ymax":470}},`+
		`{"score":0.95,"label":"remote","box":{"xmin":40,"ymin":70,"xmax":175,"ymax":117}}]`)
	c := routedClient(t, fake, "hf-inference", inference.TaskObjectDetection)
	img := pngImage(t, 2, 2)
	out, err := c.ObjectDetection(t.Context(), inference.FromBytes(img), &inference.ObjectDetectionParameters{Threshold: inference.Ptr(0.9)})
	if err != nil {
		t.Fatal(err)
	}
	want := []inference.ObjectDetectionOutputElement{
		{Label: "cat", Score: 0.99, Box: inference.BoundingBox{Xmin: 13, Ymin: 52, Xmax: 314, Ymax: 470}},
		{Label: "remote", Score: 0.95, Box: inference.BoundingBox{Xmin: 40, Ymin: 70, Xmax: 175, Ymax: 117}},
	}
	if !reflect.DeepEqual(out, want) {
		t.Errorf("out = %+v", out)
	}
	req := fake.only()
	checkRequest(t, req, hfPath, "application/json")
	sameJSONBody(t, req.Body, `{"inputs":"`+b64(img)+`","parameters":{"threshold":0.9}}`)
}

func TestHFInferenceTextToImage(t *testing.T) {
	fake := newFakeAPI(t)
	result := pngImage(t, 16, 16)
	fake.Bytes("POST "+hfPath, "image/png", result)
	c := routedClient(t, fake, "hf-inference", inference.TaskTextToImage)
	out, err := c.TextToImage(t.Context(), "An astronaut riding a horse", &inference.TextToImageParameters{
		Width: inference.Ptr(16), Height: inference.Ptr(16), NegativePrompt: "blurry", Seed: inference.Ptr(7),
	})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Data, result) || out.ContentType != "image/png" {
		t.Errorf("blob = %d bytes of %q", len(out.Data), out.ContentType)
	}
	if _, err := out.Image(); err != nil {
		t.Errorf("Image: %v", err)
	}
	req := fake.only()
	checkRequest(t, req, hfPath, "application/json")
	sameJSONBody(t, req.Body, `{"inputs":"An astronaut riding a horse","parameters":{"width":16,"height":16,"negative_prompt":"blurry","seed":7}}`)
}

func TestHFInferenceTextToSpeech(t *testing.T) {
	fake := newFakeAPI(t)
	fake.Bytes("POST "+hfPath, "audio/flac", flacBytes)
	c := routedClient(t, fake, "hf-inference", inference.TaskTextToSpeech)
	out, err := c.TextToSpeech(t.Context(), "Hello world", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Data, flacBytes) || out.ContentType != "audio/flac" {
		t.Errorf("blob = %q of %q", out.Data, out.ContentType)
	}
	if _, err := out.Image(); err == nil || !strings.Contains(err.Error(), "audio/flac") {
		t.Errorf("Image of audio: err = %v, want one naming the type", err)
	}
	req := fake.only()
	checkRequest(t, req, hfPath, "application/json")
	sameJSONBody(t, req.Body, `{"inputs":"Hello world"}`)
}

func TestHFInferenceVisualQuestionAnswering(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST "+hfPath, `[{"score":0.93,"answer":"2"},{"score":0.05,"answer":"1"}]`, `{"score":0.93,"answer":"2"}`)
	c := routedClient(t, fake, "hf-inference", inference.TaskVisualQuestionAnswering)
	img := pngImage(t, 2, 2)
	out, err := c.VisualQuestionAnswering(t.Context(), inference.FromBytes(img), "How many cats?",
		&inference.VisualQuestionAnsweringParameters{TopK: inference.Ptr(2)})
	if err != nil {
		t.Fatal(err)
	}
	want := []inference.VisualQuestionAnsweringOutputElement{{Answer: "2", Score: 0.93}, {Answer: "1", Score: 0.05}}
	if !reflect.DeepEqual(out, want) {
		t.Errorf("out = %+v", out)
	}
	// A single object, as some servers answer, is a list of one.
	one, err := c.VisualQuestionAnswering(t.Context(), inference.FromBytes(img), "How many cats?", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(one, want[:1]) {
		t.Errorf("single answer = %+v", one)
	}
	reqs := fake.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests", len(reqs))
	}
	checkRequest(t, reqs[0], hfPath, "application/json")
	sameJSONBody(t, reqs[0].Body, `{"inputs":{"question":"How many cats?","image":"`+b64(img)+`"},"parameters":{"top_k":2}}`)
	sameJSONBody(t, reqs[1].Body, `{"inputs":{"question":"How many cats?","image":"`+b64(img)+`"}}`)
}

func TestHFInferenceZeroShotImageClassification(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST "+hfPath, `[{"label":"dog","score":0.96},{"label":"cat","score":0.04}]`)
	c := routedClient(t, fake, "hf-inference", inference.TaskZeroShotImageClassification)
	img := pngImage(t, 2, 2)
	out, err := c.ZeroShotImageClassification(t.Context(), inference.FromBytes(img),
		&inference.ZeroShotImageClassificationParameters{CandidateLabels: []string{"dog", "cat"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []inference.ZeroShotImageClassificationOutputElement{{Label: "dog", Score: 0.96}, {Label: "cat", Score: 0.04}}
	if !reflect.DeepEqual(out, want) {
		t.Errorf("out = %+v", out)
	}
	req := fake.only()
	checkRequest(t, req, hfPath, "application/json")
	sameJSONBody(t, req.Body, `{"inputs":"`+b64(img)+`","parameters":{"candidate_labels":["dog","cat"]}}`)
}
