// Command text classifies, summarises, translates and continues a text,
// with the task methods of the inference client.
//
//	go run ./examples/tasks/text -offline                        # a local fake of the API: no token, no network
//	go run ./examples/tasks/text                                 # HF_TOKEN, the default models
//	go run ./examples/tasks/text -prompt "Once upon a time" "Some text to classify and summarise."
//
// It shows TextClassification, Summarization, Translation and
// TextGenerationStream, which prints the tokens as they come. With
// -offline it starts an in-process server answering in hf-inference shapes
// (TGI server-sent events for the stream) and a fake Hub that maps the
// models to hf-inference, and points the client at both.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"strings"

	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
)

const defaultText = "The Eiffel Tower is 330 metres tall and was the tallest man-made structure in the world for 41 years. " +
	"It was built for the 1889 World's Fair and is now the most visited paid monument in the world."

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "text:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("text", flag.ContinueOnError)
	classifier := fs.String("classifier", "distilbert/distilbert-base-uncased-finetuned-sst-2-english", "text-classification model")
	summarizer := fs.String("summarizer", "facebook/bart-large-cnn", "summarization model")
	translator := fs.String("translator", "Helsinki-NLP/opus-mt-en-fr", "translation model")
	generator := fs.String("generator", "openai-community/gpt2", "text-generation model")
	prompt := fs.String("prompt", "The best thing about Go is", "prompt to continue")
	maxTokens := fs.Int("max-new-tokens", 20, "tokens to generate")
	provider := fs.String("provider", "auto", "inference provider, or auto")
	offline := fs.Bool("offline", false, "answer from a local fake of the API (no token, no network)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	text := strings.TrimSpace(strings.Join(fs.Args(), " "))
	if text == "" {
		text = defaultText
	}

	opts := []inference.Option{inference.WithProvider(*provider)}
	if *offline {
		tb := &inferencetest.Standalone{}
		defer tb.Close()
		opts = append(opts, offlineOptions(tb, []model{
			{*classifier, inference.TaskTextClassification, classify},
			{*summarizer, inference.TaskSummarization, summarize},
			{*translator, inference.TaskTranslation, translate},
			{*generator, inference.TaskTextGeneration, generate},
		})...)
	}
	client, err := inference.NewClient(opts...)
	if err != nil {
		return err
	}

	labels, err := client.TextClassification(ctx, text, nil, inference.Model(*classifier))
	if err != nil {
		return err
	}
	if len(labels) > 0 {
		fmt.Fprintf(stdout, "text-classification: %s (%.3f)\n", labels[0].Label, labels[0].Score)
	}

	summary, err := client.Summarization(ctx, text, nil, inference.Model(*summarizer))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "summarization: %s\n", strings.TrimSpace(summary.SummaryText))

	translation, err := client.Translation(ctx, summary.SummaryText, nil, inference.Model(*translator))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "translation: %s\n", strings.TrimSpace(translation.TranslationText))

	fmt.Fprintf(stdout, "text-generation: %s", *prompt)
	params := &inference.TextGenerationInputGenerateParameters{MaxNewTokens: maxTokens, Details: inference.Ptr(true)}
	var finish string
	for ev, err := range client.TextGenerationStream(ctx, *prompt, params, inference.Model(*generator)) {
		if err != nil {
			fmt.Fprintln(stdout)
			return err
		}
		if !ev.Token.Special {
			fmt.Fprint(stdout, ev.Token.Text)
		}
		if ev.Details != nil {
			finish = fmt.Sprintf("%d tokens, %s", ev.Details.GeneratedTokens, ev.Details.FinishReason)
		}
	}
	fmt.Fprintf(stdout, "\n  (%s)\n", finish)
	return nil
}

// model is a model served by the offline fake, and how it answers.
type model struct {
	id      string
	task    inference.Task
	handler func(w http.ResponseWriter, inputs string, raw map[string]any)
}

// offlineOptions starts a fake router answering like hf-inference and a
// fake Hub mapping each model to hf-inference for its task; the fakes stop
// when tb closes.
func offlineOptions(tb *inferencetest.Standalone, models []model) []inference.Option {
	mux := http.NewServeMux()
	var hubModels []inferencetest.Model
	for _, m := range models {
		hubModels = append(hubModels, inferencetest.Model{ID: m.id, Mappings: []inferencetest.Mapping{
			{Provider: "hf-inference", ProviderID: m.id, Task: string(m.task)},
		}})
		mux.HandleFunc("POST /hf-inference/models/"+m.id, func(w http.ResponseWriter, r *http.Request) {
			var body map[string]any
			if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
				http.Error(w, `{"error":"body is not JSON"}`, http.StatusBadRequest)
				return
			}
			inputs, ok := body["inputs"].(string)
			if !ok || inputs == "" {
				http.Error(w, `{"error":"expected {\"inputs\": text}"}`, http.StatusBadRequest)
				return
			}
			m.handler(w, inputs, body)
		})
	}
	srv := httptest.NewServer(mux)
	tb.Cleanup(srv.Close)
	hub := inferencetest.NewHub(tb, hubModels...)
	return []inference.Option{inference.WithToken("hf_offline"), inference.WithRouterURL(srv.URL), inference.WithHubURL(hub.URL)}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// classify calls a text positive unless it says "not" or "bad", in the
// nested list shape of the sentiment pipeline.
func classify(w http.ResponseWriter, inputs string, _ map[string]any) {
	pos, neg := 0.9987, 0.0013
	if l := strings.ToLower(inputs); strings.Contains(l, "not ") || strings.Contains(l, "bad") {
		pos, neg = neg, pos
	}
	out := []map[string]any{{"label": "POSITIVE", "score": pos}, {"label": "NEGATIVE", "score": neg}}
	if neg > pos {
		out[0], out[1] = out[1], out[0]
	}
	writeJSON(w, [][]map[string]any{out})
}

// summarize keeps the first sentence.
func summarize(w http.ResponseWriter, inputs string, _ map[string]any) {
	first, _, _ := strings.Cut(inputs, ". ")
	writeJSON(w, []map[string]string{{"summary_text": strings.TrimSuffix(first, ".") + "."}})
}

// translate "translates" a few words to French.
func translate(w http.ResponseWriter, inputs string, _ map[string]any) {
	fr := strings.NewReplacer("The ", "La ", " is ", " mesure ", " metres tall", " mètres", " and ", " et ").Replace(inputs)
	writeJSON(w, []map[string]string{{"translation_text": fr}})
}

// generate streams TGI's server-sent events: one per token, the last with
// the generated text and the details.
func generate(w http.ResponseWriter, inputs string, body map[string]any) {
	if body["stream"] != true {
		writeJSON(w, []map[string]string{{"generated_text": " its simplicity."}})
		return
	}
	tokens := []string{" its", " simplicity", " and", " its", " tooling", "."}
	w.Header().Set("Content-Type", "text/event-stream")
	flusher, _ := w.(http.Flusher)
	for i, tok := range tokens {
		ev := map[string]any{
			"index":          i + 1,
			"token":          map[string]any{"id": 100 + i, "text": tok, "logprob": -0.5, "special": false},
			"generated_text": nil,
			"details":        nil,
		}
		if i == len(tokens)-1 {
			ev["generated_text"] = strings.Join(tokens, "")
			ev["details"] = map[string]any{"finish_reason": "eos_token", "generated_tokens": len(tokens), "seed": nil, "input_length": len(strings.Fields(inputs))}
		}
		data, _ := json.Marshal(ev)
		fmt.Fprintf(w, "data:%s\n\n", data)
		if flusher != nil {
			flusher.Flush()
		}
	}
}
