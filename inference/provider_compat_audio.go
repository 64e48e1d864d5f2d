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

// This file holds the OpenAI transcriptions API that deepinfra and
// together serve: the sound goes up as a multipart form, the transcript
// comes back as {"text", "segments"}.

// compatTranscription is the automatic-speech-recognition helper of a
// provider serving the OpenAI transcriptions API at path. With urlAsFile,
// an http(s) input is sent as its URL in the "file" field (together reads
// it from there) instead of being downloaded and uploaded.
func compatTranscription(path string, urlAsFile bool) *taskHelper {
	return &taskHelper{
		route:     compatRoute(path),
		body:      compatTranscriptionBody,
		response:  compatTranscriptionResponse,
		takesURLs: urlAsFile,
	}
}

// compatAudioExt names the uploaded sound after its type, which
// transcription servers read the format from; wav when unknown.
var compatAudioExt = map[string]string{
	"audio/wav": "wav", "audio/x-wav": "wav", "audio/wave": "wav",
	"audio/mpeg": "mp3", "audio/mp3": "mp3", "audio/mp4": "mp4",
	"audio/m4a": "m4a", "audio/x-m4a": "m4a", "audio/flac": "flac",
	"audio/x-flac": "flac", "audio/ogg": "ogg", "audio/webm": "webm",
}

// compatTranscriptionBody is a multipart form: the sound as "file" (or its
// URL, for a helper that takes URLs), then the parameters and ExtraBody
// fields in name order (strings as they are, other values in JSON), then
// the model.
func compatTranscriptionBody(tc *taskCall) (*taskBody, error) {
	if err := needMedia(tc); err != nil {
		return nil, err
	}
	fields := compatParams(tc, nil)
	maps.Copy(fields, tc.extra)
	delete(fields, "model")
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if err := compatFilePart(w, tc.media); err != nil {
		return nil, err
	}
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		if err := compatFormField(w, k, fields[k]); err != nil {
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

// compatFilePart writes the sound: its URL as a plain field when the input
// was left as a URL, else its bytes as a file named after its type.
func compatFilePart(w *multipart.Writer, m *mediaData) error {
	if m.data == nil && m.url != "" {
		return w.WriteField("file", m.url)
	}
	ct := m.contentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	ext, ok := compatAudioExt[strings.ToLower(strings.TrimSpace(strings.Split(ct, ";")[0]))]
	if !ok {
		ext = "wav"
	}
	hdr := textproto.MIMEHeader{}
	hdr.Set("Content-Disposition", `form-data; name="file"; filename="audio.`+ext+`"`)
	hdr.Set("Content-Type", ct)
	part, err := w.CreatePart(hdr)
	if err != nil {
		return err
	}
	_, err = part.Write(m.data)
	return err
}

// compatFormField writes one form field: a string as is, anything else
// (numbers, booleans, objects) in JSON.
func compatFormField(w *multipart.Writer, name string, v any) error {
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

// compatTranscriptionResponse turns {"text", "segments": [{"text",
// "start", "end"}]} into the task's {"text", "chunks": [{"text",
// "timestamp": [start, end]}]}.
func compatTranscriptionResponse(_ context.Context, tc *taskCall, r *rawResponse) (*rawResponse, error) {
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
	return jsonResult(out)
}
