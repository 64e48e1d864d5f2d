package inference_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/tiny-agents-go/tiny-agents/inference"
)

// endpoint stands in for a deployed model: it answers every request with
// body, as a text-embeddings or text-classification server would.
func endpoint(contentType, body string) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		fmt.Fprint(w, body)
	}))
}

// Classifying a text with a deployed endpoint (a URL model); with a Hub id
// and HF_TOKEN the same call goes to hf-inference or another provider.
func ExampleClient_TextClassification() {
	srv := endpoint("application/json", `[[{"label":"POSITIVE","score":0.99},{"label":"NEGATIVE","score":0.01}]]`)
	defer srv.Close()
	client, err := inference.NewClient(inference.WithModel(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}
	labels, err := client.TextClassification(context.Background(), "What a lovely day", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s %.2f\n", labels[0].Label, labels[0].Score)
	// Output: POSITIVE 0.99
}

// Embeddings come back as float32 values with their shape; Rows slices
// them per sentence without copying.
func ExampleClient_FeatureExtractionBatch() {
	srv := endpoint("application/json", `[[0.1,0.2,0.3],[0.4,0.5,0.6]]`)
	defer srv.Close()
	client, err := inference.NewClient(inference.WithModel(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}
	emb, err := client.FeatureExtractionBatch(context.Background(), []string{"first", "second"}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(emb.Shape, emb.Rows()[1])
	// Output: [2 3] [0.4 0.5 0.6]
}

// Binary outputs are Blobs: bytes with their content type, savable and,
// for images, decodable.
func ExampleClient_TextToSpeech() {
	srv := endpoint("audio/flac", "fLaC and the rest of the sound")
	defer srv.Close()
	client, err := inference.NewClient(inference.WithModel(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}
	sound, err := client.TextToSpeech(context.Background(), "Hello there", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sound.ContentType, len(sound.Data))
	// Output: audio/flac 30
}
