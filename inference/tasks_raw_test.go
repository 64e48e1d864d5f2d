package inference_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tiny-agents-go/tiny-agents/inference"
)

func TestPostSendsJSONAndReturnsTheRawAnswer(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /hf-inference/models/org/model", `{"anything":[1,2]}`)
	c := routedClient(t, fake, "hf-inference", inference.TaskTextClassification)
	out, err := c.Post(context.Background(), inference.TaskTextClassification, map[string]any{"inputs": "hi", "options": map[string]any{"wait_for_model": true}})
	if err != nil {
		t.Fatal(err)
	}
	if string(out.Data) != `{"anything":[1,2]}` || out.ContentType != "application/json" {
		t.Errorf("out = %q (%s)", out.Data, out.ContentType)
	}
	req := fake.only()
	sameJSONBody(t, req.Body, `{"inputs":"hi","options":{"wait_for_model":true}}`)
	if req.Header.Get("Content-Type") != "application/json" {
		t.Errorf("Content-Type = %q", req.Header.Get("Content-Type"))
	}
}

func TestPostSendsBytesAsIs(t *testing.T) {
	fake := newFakeAPI(t)
	fake.Bytes("POST /hf-inference/models/org/model", "audio/flac", []byte("fLaC..."))
	c := routedClient(t, fake, "hf-inference", inference.TaskAudioToAudio)
	wav := []byte("RIFF\x24\x00\x00\x00WAVEfmt ")
	out, err := c.Post(context.Background(), inference.TaskAudioToAudio, wav)
	if err != nil {
		t.Fatal(err)
	}
	if out.ContentType != "audio/flac" {
		t.Errorf("ContentType = %q", out.ContentType)
	}
	req := fake.only()
	if string(req.Body) != string(wav) || req.Header.Get("Content-Type") != "audio/wav" {
		t.Errorf("sent %q as %q", req.Body, req.Header.Get("Content-Type"))
	}
}

func TestModelStatusReadsTheHub(t *testing.T) {
	var gotQuery string
	hub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/models/org/model" {
			http.NotFound(w, r)
			return
		}
		gotQuery = r.URL.RawQuery
		w.Write([]byte(`{"id":"org/model","inference":"warm","library_name":"transformers"}`))
	}))
	t.Cleanup(hub.Close)
	c := newClient(t, inference.WithHubURL(hub.URL), inference.WithToken("hf_x"))
	st, err := c.ModelStatus(context.Background(), "org/model")
	if err != nil {
		t.Fatal(err)
	}
	if !st.Loaded || st.State != "warm" || st.Framework != "transformers" {
		t.Errorf("status = %+v", st)
	}
	if gotQuery != "expand[]=inference&expand[]=library_name" {
		t.Errorf("query = %q", gotQuery)
	}
}

func TestLegacyCallsSayTheyAreGone(t *testing.T) {
	c := newClient(t, inference.WithToken("hf_x"), inference.WithProvider("together"))
	if _, err := c.ModelStatus(context.Background(), "org/model"); !errors.Is(err, inference.ErrNotOffered) || !strings.Contains(err.Error(), "together") {
		t.Errorf("ModelStatus on together: %v", err)
	}
	if _, err := c.ModelStatus(context.Background(), "http://127.0.0.1:1/endpoint"); !errors.Is(err, inference.ErrNotOffered) {
		t.Errorf("ModelStatus on a URL: %v", err)
	}
	_, err := c.ListDeployedModels(context.Background())
	if !errors.Is(err, inference.ErrNotOffered) || !strings.Contains(err.Error(), "inference_provider=hf-inference") {
		t.Errorf("ListDeployedModels: %v", err)
	}
}
