// Command vision classifies an image and draws one from a prompt, with the
// task methods of the inference client.
//
//	go run ./examples/tasks/vision -offline                     # a local fake of the API: no token, no network
//	go run ./examples/tasks/vision -image cat.jpg               # HF_TOKEN; a local file or an http(s) URL
//	go run ./examples/tasks/vision -prompt "a red fox" -out fox.png
//
// It shows FromFile and FromURL inputs, ImageClassification, TextToImage
// and saving the returned Blob. With -offline it starts an in-process
// server answering in hf-inference shapes and a fake Hub that maps the
// models to hf-inference, and points the client at both.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"strings"

	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
)

// defaultImage is a picture of a tiger used by the Hugging Face docs.
const defaultImage = "https://huggingface.co/datasets/mishig/sample_images/resolve/main/tiger.jpg"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "vision:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("vision", flag.ContinueOnError)
	img := fs.String("image", defaultImage, "image to classify: a local file or an http(s) URL")
	classifier := fs.String("classifier", "google/vit-base-patch16-224", "image-classification model")
	painter := fs.String("painter", "black-forest-labs/FLUX.1-schnell", "text-to-image model")
	prompt := fs.String("prompt", "An astronaut riding a horse on the moon", "what to draw")
	out := fs.String("out", "drawing.png", "where to save the drawing")
	provider := fs.String("provider", "auto", "inference provider, or auto")
	offline := fs.Bool("offline", false, "answer from a local fake of the API (no token, no network)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("usage: vision [flags] (unexpected %q)", fs.Arg(0))
	}

	opts := []inference.Option{inference.WithProvider(*provider)}
	input := media(*img)
	if *offline {
		tb := &inferencetest.Standalone{}
		defer tb.Close()
		opts = append(opts, offlineOptions(tb, map[string]inference.Task{
			*classifier: inference.TaskImageClassification,
			*painter:    inference.TaskTextToImage,
		})...)
		if *img == defaultImage {
			input = inference.FromBytes(sampleImage(32, 32))
		}
	}
	client, err := inference.NewClient(opts...)
	if err != nil {
		return err
	}

	labels, err := client.ImageClassification(ctx, input, &inference.ImageClassificationParameters{TopK: inference.Ptr(3)}, inference.Model(*classifier))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "image-classification (%s):\n", *classifier)
	for _, l := range labels {
		fmt.Fprintf(stdout, "  %.3f  %s\n", l.Score, l.Label)
	}

	drawing, err := client.TextToImage(ctx, *prompt, nil, inference.Model(*painter))
	if err != nil {
		return err
	}
	if err := drawing.Save(*out); err != nil {
		return err
	}
	size := fmt.Sprintf("%d bytes", len(drawing.Data))
	if decoded, err := drawing.Image(); err == nil {
		b := decoded.Bounds()
		size = fmt.Sprintf("%dx%d", b.Dx(), b.Dy())
	}
	fmt.Fprintf(stdout, "text-to-image (%s): saved %s (%s, %s)\n", *painter, *out, drawing.ContentType, size)
	return nil
}

// media reads s as a URL when it looks like one, else as a local file.
func media(s string) inference.Media {
	if strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "data:") {
		return inference.FromURL(s)
	}
	return inference.FromFile(s)
}

// offlineOptions starts a fake router answering like hf-inference and a
// fake Hub mapping each model to hf-inference for its task; the fakes stop
// when tb closes.
func offlineOptions(tb *inferencetest.Standalone, models map[string]inference.Task) []inference.Option {
	mux := http.NewServeMux()
	var hubModels []inferencetest.Model
	for id, task := range models {
		hubModels = append(hubModels, inferencetest.Model{ID: id, Mappings: []inferencetest.Mapping{
			{Provider: "hf-inference", ProviderID: id, Task: string(task)},
		}})
		switch task {
		case inference.TaskImageClassification:
			mux.HandleFunc("POST /hf-inference/models/"+id, classify)
		case inference.TaskTextToImage:
			mux.HandleFunc("POST /hf-inference/models/"+id, draw)
		}
	}
	srv := httptest.NewServer(mux)
	tb.Cleanup(srv.Close)
	hub := inferencetest.NewHub(tb, hubModels...)
	return []inference.Option{inference.WithToken("hf_offline"), inference.WithRouterURL(srv.URL), inference.WithHubURL(hub.URL)}
}

// classify answers like an image classifier. It gets the raw image, or
// with parameters the image in base64 inside a JSON body, and names the
// size and format of what it got first.
func classify(w http.ResponseWriter, r *http.Request) {
	data, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	if r.Header.Get("Content-Type") == "application/json" {
		var body struct {
			Inputs []byte `json:"inputs"` // base64 in JSON
		}
		if err := json.Unmarshal(data, &body); err != nil {
			http.Error(w, `{"error":"expected {\"inputs\": base64 image, \"parameters\": ...}"}`, http.StatusBadRequest)
			return
		}
		data = body.Inputs
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		http.Error(w, `{"error":"inputs is not an image"}`, http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `[{"label":"a %dx%d %s","score":0.912},{"label":"tabby, tabby cat","score":0.051},{"label":"tiger cat","score":0.013}]`,
		cfg.Width, cfg.Height, format)
}

// draw answers like a text-to-image model: PNG bytes.
func draw(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Inputs string `json:"inputs"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Inputs == "" {
		http.Error(w, `{"error":"expected {\"inputs\": prompt}"}`, http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Write(sampleImage(64, 48))
}

// sampleImage is a w×h PNG gradient.
func sampleImage(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{R: uint8(255 * x / w), G: uint8(255 * y / h), B: 128, A: 255})
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	return buf.Bytes()
}
