package inference_test

import (
	"context"
	"encoding/json"
	"reflect"
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
