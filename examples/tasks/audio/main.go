// Command audio transcribes a recording and reads a text aloud, with the
// task methods of the inference client.
//
//	go run ./examples/tasks/audio -offline                        # a local fake of the API: no token, no network
//	go run ./examples/tasks/audio -audio speech.flac              # HF_TOKEN; a local file or an http(s) URL
//	go run ./examples/tasks/audio -audio talk.mp3 -text "Hi" -out hi
//
// It shows AutomaticSpeechRecognition of a file, TextToSpeech and saving
// the returned Blob with an extension chosen from its content type. With
// -offline it starts an in-process server answering in hf-inference shapes
// and a fake Hub that maps the models to hf-inference, and points the
// client at both.
package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "audio:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("audio", flag.ContinueOnError)
	audio := fs.String("audio", "", "recording to transcribe: a local file or an http(s) URL (offline: a generated tone)")
	asr := fs.String("asr-model", "openai/whisper-large-v3", "automatic-speech-recognition model")
	tts := fs.String("tts-model", "facebook/mms-tts-eng", "text-to-speech model")
	text := fs.String("text", "Hello from Go.", "text to read aloud")
	out := fs.String("out", "speech", "where to save the speech; the extension follows the audio type unless given")
	provider := fs.String("provider", "auto", "inference provider, or auto")
	offline := fs.Bool("offline", false, "answer from a local fake of the API (no token, no network)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 || (*audio == "" && !*offline) {
		return errors.New("usage: audio [-offline] -audio FILE|URL [flags]")
	}

	opts := []inference.Option{inference.WithProvider(*provider)}
	var input inference.Media
	switch {
	case strings.HasPrefix(*audio, "http://") || strings.HasPrefix(*audio, "https://"):
		input = inference.FromURL(*audio)
	case *audio != "":
		input = inference.FromFile(*audio)
	default:
		input = inference.FromBytes(tone(1.0))
	}
	if *offline {
		tb := &inferencetest.Standalone{}
		defer tb.Close()
		opts = append(opts, offlineOptions(tb, *asr, *tts)...)
	}
	client, err := inference.NewClient(opts...)
	if err != nil {
		return err
	}

	transcript, err := client.AutomaticSpeechRecognition(ctx, input, nil, inference.Model(*asr))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "automatic-speech-recognition (%s): %q\n", *asr, strings.TrimSpace(transcript.Text))

	speech, err := client.TextToSpeech(ctx, *text, nil, inference.Model(*tts))
	if err != nil {
		return err
	}
	path := *out
	if filepath.Ext(path) == "" {
		path += extension(speech.ContentType)
	}
	if err := speech.Save(path); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "text-to-speech (%s): saved %s (%s, %d bytes)\n", *tts, path, speech.ContentType, len(speech.Data))
	return nil
}

// extension is the file extension of an audio content type.
func extension(contentType string) string {
	switch contentType {
	case "audio/flac", "audio/x-flac":
		return ".flac"
	case "audio/wav", "audio/x-wav", "audio/wave":
		return ".wav"
	case "audio/mpeg":
		return ".mp3"
	case "audio/ogg":
		return ".ogg"
	case "audio/webm":
		return ".webm"
	}
	return ".bin"
}

// offlineOptions starts a fake router answering like hf-inference and a
// fake Hub mapping the two models to hf-inference; the fakes stop when tb
// closes.
func offlineOptions(tb *inferencetest.Standalone, asr, tts string) []inference.Option {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /hf-inference/models/"+asr, transcribe)
	mux.HandleFunc("POST /hf-inference/models/"+tts, speak)
	srv := httptest.NewServer(mux)
	tb.Cleanup(srv.Close)
	hub := inferencetest.NewHub(tb,
		inferencetest.Model{ID: asr, Mappings: []inferencetest.Mapping{{Provider: "hf-inference", ProviderID: asr, Task: string(inference.TaskAutomaticSpeechRecognition)}}},
		inferencetest.Model{ID: tts, Mappings: []inferencetest.Mapping{{Provider: "hf-inference", ProviderID: tts, Task: string(inference.TaskTextToSpeech)}}},
	)
	return []inference.Option{inference.WithToken("hf_offline"), inference.WithRouterURL(srv.URL), inference.WithHubURL(hub.URL)}
}

// transcribe answers like a speech recognition model given the raw audio:
// it says what it received.
func transcribe(w http.ResponseWriter, r *http.Request) {
	data, err := io.ReadAll(r.Body)
	if err != nil || len(data) == 0 {
		http.Error(w, `{"error":"no audio"}`, http.StatusBadRequest)
		return
	}
	what := fmt.Sprintf("%d bytes of %s", len(data), r.Header.Get("Content-Type"))
	if secs, ok := wavSeconds(data); ok {
		what = fmt.Sprintf("%.2f seconds of %s", secs, r.Header.Get("Content-Type"))
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]string{"text": " (offline) I heard " + what + "."})
}

// speak answers like a text-to-speech model: a WAV tone as long as the text
// would take to say.
func speak(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Inputs string `json:"inputs"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Inputs == "" {
		http.Error(w, `{"error":"expected {\"inputs\": text}"}`, http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "audio/wav")
	w.Write(tone(0.05 * float64(len(body.Inputs))))
}

const sampleRate = 8000

// tone is a 440 Hz mono 16-bit WAV of secs seconds.
func tone(secs float64) []byte {
	n := int(secs * sampleRate)
	var buf bytes.Buffer
	le := func(v any) { binary.Write(&buf, binary.LittleEndian, v) }
	buf.WriteString("RIFF")
	le(uint32(36 + 2*n))
	buf.WriteString("WAVEfmt ")
	le(uint32(16))
	le(uint16(1)) // PCM
	le(uint16(1)) // mono
	le(uint32(sampleRate))
	le(uint32(2 * sampleRate))
	le(uint16(2))
	le(uint16(16))
	buf.WriteString("data")
	le(uint32(2 * n))
	for i := range n {
		le(int16(8000 * math.Sin(2*math.Pi*440*float64(i)/sampleRate)))
	}
	return buf.Bytes()
}

// wavSeconds reads the duration of a PCM WAV made by tone.
func wavSeconds(b []byte) (float64, bool) {
	if len(b) < 44 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return 0, false
	}
	byteRate := binary.LittleEndian.Uint32(b[28:32])
	size := binary.LittleEndian.Uint32(b[40:44])
	if byteRate == 0 {
		return 0, false
	}
	return float64(size) / float64(byteRate), true
}
