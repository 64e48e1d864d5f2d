package inference

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"mime/multipart"
	"net/textproto"
	"slices"
	"strings"
)

// deepinfra exposes OpenAI-compatible endpoints under /v1/openai: chat,
// completions (max_new_tokens counted as max_tokens), embeddings, speech,
// and transcriptions, which take the sound as a multipart form.
var deepinfra = &provider{
	baseURL: "https://api.deepinfra.com",
	tasks: map[Task]*taskHelper{
		TaskConversational:    chatAt("/v1/openai/chat/completions"),
		TaskTextGeneration:    compatCompletions("/v1/openai/completions", true),
		TaskFeatureExtraction: compatEmbeddings("/v1/openai/embeddings", true),
		TaskTextToSpeech:      compatSpeech("/v1/openai/audio/speech"),
		TaskAutomaticSpeechRecognition: {
			route:    compatRoute("/v1/openai/audio/transcriptions"),
			body:     deepinfraTranscriptionBody,
			response: deepinfraTranscriptionResponse,
		},
	},
}

// deepinfraAudioExt names the uploaded sound after its type, which
// transcription servers read the format from; wav when unknown.
var deepinfraAudioExt = map[string]string{
	"audio/wav": "wav", "audio/x-wav": "wav", "audio/wave": "wav",
	"audio/mpeg": "mp3", "audio/mp3": "mp3", "audio/mp4": "mp4",
	"audio/m4a": "m4a", "audio/x-m4a": "m4a", "audio/flac": "flac",
	"audio/x-flac": "flac", "audio/ogg": "ogg", "audio/webm": "webm",
}

// deepinfraTranscriptionBody is a multipart form: the sound as "file",
// then the parameters and ExtraBody fields in name order (strings as they
// are, other values in JSON), then the model.
func deepinfraTranscriptionBody(tc *taskCall) (*taskBody, error) {
	if err := needMedia(tc); err != nil {
		return nil, err
	}
	fields := compatParams(tc, nil)
	maps.Copy(fields, tc.extra)
	delete(fields, "model")
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	ct := tc.media.contentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	ext, ok := deepinfraAudioExt[strings.ToLower(strings.TrimSpace(strings.Split(ct, ";")[0]))]
	if !ok {
		ext = "wav"
	}
	hdr := textproto.MIMEHeader{}
	hdr.Set("Content-Disposition", `form-data; name="file"; filename="audio.`+ext+`"`)
	hdr.Set("Content-Type", ct)
	part, err := w.CreatePart(hdr)
	if err != nil {
		return nil, err
	}
	if _, err := part.Write(tc.media.data); err != nil {
		return nil, err
	}
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		if err := deepinfraField(w, k, fields[k]); err != nil {
			return nil, err
		}
	}
	if err := w.WriteField("model", tc.target.model); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return &taskBody{data: buf.Bytes(), contentType: w.FormDataContentType()}, nil
}

// deepinfraField writes one form field: a string as is, anything else
// (numbers, booleans, objects) in JSON.
func deepinfraField(w *multipart.Writer, name string, v any) error {
	s, ok := v.(string)
	if !ok {
		b, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("field %s: %w", name, err)
		}
		s = string(b)
	}
	return w.WriteField(name, s)
}

// deepinfraTranscriptionResponse turns {"text", "segments": [{"text",
// "start", "end"}]} into the task's {"text", "chunks": [{"text",
// "timestamp": [start, end]}]}.
func deepinfraTranscriptionResponse(_ context.Context, tc *taskCall, r *rawResponse) (*rawResponse, error) {
	var wire struct {
		Text     *string `json:"text"`
		Segments []struct {
			Text  string  `json:"text"`
			Start float64 `json:"start"`
			End   float64 `json:"end"`
		} `json:"segments"`
	}
	if err := tc.decodeJSON(r, &wire); err != nil {
		return nil, err
	}
	if wire.Text == nil {
		return nil, tc.unexpected(r, "no text")
	}
	out := AutomaticSpeechRecognitionOutput{Text: *wire.Text}
	for _, s := range wire.Segments {
		out.Chunks = append(out.Chunks, AutomaticSpeechRecognitionOutputChunk{Text: s.Text, Timestamp: []float64{s.Start, s.End}})
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("inference: %s: %w", tc.describe(), err)
	}
	return &rawResponse{data: b, contentType: "application/json"}, nil
}
