// Command embeddings embeds a few sentences, prints how close each is to
// the first by cosine similarity, then asks the model the same question
// with the sentence-similarity task.
//
//	go run ./examples/tasks/embeddings -offline                   # a local fake of the API: no token, no network
//	go run ./examples/tasks/embeddings                            # HF_TOKEN, the default sentences
//	go run ./examples/tasks/embeddings "A cat sleeps." "A kitten naps." "Stocks fell."
//
// It shows FeatureExtractionBatch (one request for all sentences, rows of
// the Embeddings) and SentenceSimilarity, which hf-inference serves at the
// pipeline routes of a sentence-transformers model. With -offline it starts
// an in-process server answering in hf-inference shapes and a fake Hub that
// maps the model to hf-inference, and points the client at both.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"strings"

	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
)

var defaultSentences = []string{
	"The cat sits on the mat.",
	"A cat is sitting on the mat.",
	"The stock market fell sharply today.",
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "embeddings:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("embeddings", flag.ContinueOnError)
	modelID := fs.String("model", "sentence-transformers/all-MiniLM-L6-v2", "sentence embedding model")
	// hf-inference serves both tasks of this model at its pipeline routes.
	provider := fs.String("provider", "hf-inference", "inference provider, or auto")
	offline := fs.Bool("offline", false, "answer from a local fake of the API (no token, no network)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	sentences := fs.Args()
	if len(sentences) == 0 {
		sentences = defaultSentences
	}
	if len(sentences) < 2 {
		return errors.New("usage: embeddings [flags] SENTENCE SENTENCE (two or more)")
	}

	opts := []inference.Option{inference.WithProvider(*provider), inference.WithModel(*modelID)}
	if *offline {
		tb := &inferencetest.Standalone{}
		defer tb.Close()
		opts = append(opts, offlineOptions(tb, *modelID)...)
	}
	client, err := inference.NewClient(opts...)
	if err != nil {
		return err
	}

	emb, err := client.FeatureExtractionBatch(ctx, sentences, &inference.FeatureExtractionParameters{Normalize: inference.Ptr(true)})
	if err != nil {
		return err
	}
	rows := emb.Rows()
	if len(emb.Shape) != 2 || len(rows) != len(sentences) {
		return fmt.Errorf("expected one pooled vector per sentence, got shape %v", emb.Shape)
	}
	fmt.Fprintf(stdout, "feature-extraction (%s): %d vectors of %d dimensions\n", *modelID, len(rows), emb.Shape[1])
	fmt.Fprintf(stdout, "cosine similarity to %q:\n", sentences[0])
	for i := 1; i < len(rows); i++ {
		fmt.Fprintf(stdout, "  %.3f  %q\n", cosine(rows[0], rows[i]), sentences[i])
	}

	scores, err := client.SentenceSimilarity(ctx, sentences[0], sentences[1:])
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "sentence-similarity to %q:\n", sentences[0])
	for i, s := range scores {
		fmt.Fprintf(stdout, "  %.3f  %q\n", s, sentences[i+1])
	}
	return nil
}

// cosine is the cosine similarity of a and b.
func cosine(a, b []float32) float64 {
	var dot, na, nb float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(na*nb)
}

// offlineOptions starts a fake router answering like hf-inference and a
// fake Hub mapping the model to hf-inference for both tasks; the fakes stop
// when tb closes.
func offlineOptions(tb *inferencetest.Standalone, modelID string) []inference.Option {
	mux := http.NewServeMux()
	base := "POST /hf-inference/models/" + modelID + "/pipeline/"
	mux.HandleFunc(base+"feature-extraction", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Inputs []string `json:"inputs"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil || len(body.Inputs) == 0 {
			http.Error(w, `{"error":"expected {\"inputs\": [sentences]}"}`, http.StatusBadRequest)
			return
		}
		out := make([][]float32, len(body.Inputs))
		for i, s := range body.Inputs {
			out[i] = embed(s)
		}
		writeJSON(w, out)
	})
	mux.HandleFunc(base+"sentence-similarity", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Inputs struct {
				Source    string   `json:"source_sentence"`
				Sentences []string `json:"sentences"`
			} `json:"inputs"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Inputs.Source == "" {
			http.Error(w, `{"error":"expected {\"inputs\": {\"source_sentence\", \"sentences\"}}"}`, http.StatusBadRequest)
			return
		}
		src := embed(body.Inputs.Source)
		out := make([]float64, len(body.Inputs.Sentences))
		for i, s := range body.Inputs.Sentences {
			out[i] = cosine(src, embed(s))
		}
		writeJSON(w, out)
	})
	srv := httptest.NewServer(mux)
	tb.Cleanup(srv.Close)
	hub := inferencetest.NewHub(tb, inferencetest.Model{ID: modelID, Mappings: []inferencetest.Mapping{
		{Provider: "hf-inference", ProviderID: modelID, Task: string(inference.TaskFeatureExtraction)},
		{Provider: "hf-inference", ProviderID: modelID, Task: string(inference.TaskSentenceSimilarity)},
	}})
	return []inference.Option{inference.WithToken("hf_offline"), inference.WithRouterURL(srv.URL), inference.WithHubURL(hub.URL)}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// dims is the size of the offline embeddings.
const dims = 16

// embed is the offline model: a normalised bag of words, each word hashed
// to one of dims buckets, so that sentences sharing words are close.
func embed(s string) []float32 {
	v := make([]float32, dims)
	for _, w := range strings.Fields(strings.ToLower(s)) {
		w = strings.Trim(w, ".,;:!?\"'")
		if w == "" {
			continue
		}
		h := fnv.New32a()
		h.Write([]byte(w))
		v[h.Sum32()%dims]++
	}
	var n float64
	for _, x := range v {
		n += float64(x * x)
	}
	if n > 0 {
		for i := range v {
			v[i] = float32(float64(v[i]) / math.Sqrt(n))
		}
	}
	return v
}
