package inference

import (
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"strings"
)

// replicate is Replicate. Every call creates a prediction with
// "Prefer: wait", so that Replicate answers with the finished prediction
// when it can; a prediction still starting or processing is polled at its
// urls.get until it succeeds. A model id "owner/model:version" goes to
// /v1/predictions with {"version": ...}; "owner/model" to the model's own
// predictions path.
var replicate = &provider{
	baseURL: "https://api.replicate.com",
	tasks: map[Task]*taskHelper{
		TaskAutomaticSpeechRecognition: replicateTask(replicateAudioInput, replicateSpeechRecognitionResult),
		TaskImageToImage:               replicateTask(replicateImageInput, replicateFileResult),
		TaskTextToImage:                replicateTask(replicateLoRAInput, replicateFileResult),
		TaskTextToSpeech:               replicateTask(replicateTextInput, replicateFileResult),
		TaskTextToVideo:                replicateTask(replicatePromptInput, replicateFileResult),
	},
}

// replicatePrediction is a Replicate prediction, as created or polled.
type replicatePrediction struct {
	ID     string          `json:"id"`
	Status string          `json:"status"`
	Output json.RawMessage `json:"output"`
	Error  json.RawMessage `json:"error"`
	URLs   struct {
		Get string `json:"get"`
	} `json:"urls"`
}

// replicateResult turns a finished prediction (decoded from r) into the
// task's common shape.
type replicateResult func(ctx context.Context, tc *taskCall, p *replicatePrediction, r *rawResponse) (*rawResponse, error)

// replicateTask is the helper of one Replicate task: input builds the
// prediction's "input" object, result reads the finished prediction.
func replicateTask(input func(tc *taskCall) (map[string]any, error), result replicateResult) *taskHelper {
	return &taskHelper{
		route:     replicateRoute,
		headers:   func(h http.Header) { h.Set("Prefer", "wait") },
		takesURLs: true,
		body: func(tc *taskCall) (*taskBody, error) {
			in, err := input(tc)
			if err != nil {
				return nil, err
			}
			body := map[string]any{"input": in}
			if _, version, ok := strings.Cut(tc.target.model, ":"); ok {
				body["version"] = version
			}
			maps.Copy(body, tc.extra)
			return jsonBody(body)
		},
		response: func(ctx context.Context, tc *taskCall, r *rawResponse) (*rawResponse, error) {
			p, final, err := replicateAwait(ctx, tc, r)
			if err != nil {
				return nil, err
			}
			return result(ctx, tc, p, final)
		},
	}
}

// replicateRoute is /v1/predictions for a versioned id, else the model's
// own predictions path.
func replicateRoute(model string) string {
	if strings.Contains(model, ":") {
		return "/v1/predictions"
	}
	return "/v1/models/" + model + "/predictions"
}

// replicatePromptInput is {"prompt": ..., ...parameters}.
func replicatePromptInput(tc *taskCall) (map[string]any, error) {
	return withParams(tc, map[string]any{"prompt": tc.inputs}), nil
}

// replicateLoRAInput is replicatePromptInput plus, for a LoRA, the Hub
// repo holding the weights as lora_weights.
func replicateLoRAInput(tc *taskCall) (map[string]any, error) {
	m, err := replicatePromptInput(tc)
	if err == nil && tc.target.loraPath != "" {
		m["lora_weights"] = tc.c.hubURL + "/" + tc.target.hubModel
	}
	return m, err
}

// replicateTextInput is {"text": ..., ...parameters}: speech models read
// "text", not "prompt".
func replicateTextInput(tc *taskCall) (map[string]any, error) {
	return withParams(tc, map[string]any{"text": tc.inputs}), nil
}

// replicateAudioInput is {"audio": URL, ...parameters}.
func replicateAudioInput(tc *taskCall) (map[string]any, error) {
	if err := needMedia(tc); err != nil {
		return nil, err
	}
	return withParams(tc, map[string]any{"audio": tc.media.urlOrDataURL("audio/wav")}), nil
}

// replicateImageInput puts the image under each key Replicate's models
// use for it (image, images, input_image, input_images).
func replicateImageInput(tc *taskCall) (map[string]any, error) {
	if err := needMedia(tc); err != nil {
		return nil, err
	}
	img := tc.media.urlOrDataURL("image/jpeg")
	return withParams(tc, map[string]any{
		"image": img, "images": []string{img}, "input_image": img, "input_images": []string{img},
	}), nil
}

// replicateAwait returns the finished prediction: the created one when
// "Prefer: wait" sufficed or when it already carries an output (Replicate
// may answer 201 with the output while the status still says processing;
// both reference clients take it at once), else the last answer of polling
// its urls.get (rebuilt on the host the call was sent to). A failed or
// canceled prediction is an error matching [ErrJobFailed].
func replicateAwait(ctx context.Context, tc *taskCall, r *rawResponse) (*replicatePrediction, *rawResponse, error) {
	var p replicatePrediction
	if err := tc.decodeJSON(r, &p); err != nil {
		return nil, nil, err
	}
	switch p.Status {
	case "succeeded", "":
		return &p, r, nil
	case "failed", "canceled", "aborted":
		return nil, nil, &opError{op: tc.describe(), err: jobStatusFailed(p.Status, messageOf(p.Error))}
	}
	if replicateHasOutput(p.Output) {
		return &p, r, nil
	}
	link := p.URLs.Get
	if link == "" && p.ID != "" {
		link = "/v1/predictions/" + url.PathEscape(p.ID)
	}
	jobURL, err := tc.jobURL(link)
	if err != nil {
		return nil, nil, tc.unexpected(r, err.Error())
	}
	done, err := tc.poll(ctx, jobURL, replicateCheck(tc))
	if err != nil {
		return nil, nil, err
	}
	var final replicatePrediction
	if err := tc.decodeJSON(done, &final); err != nil {
		return nil, nil, err
	}
	return &final, done, nil
}

// replicateCheck reads one poll: succeeded is done; failed, canceled and
// aborted end with [ErrJobFailed] and Replicate's error; starting,
// processing (and any status Replicate may add) are pending.
func replicateCheck(tc *taskCall) func(*rawResponse) (jobState, error) {
	return func(r *rawResponse) (jobState, error) {
		var p replicatePrediction
		if err := json.Unmarshal(r.data, &p); err != nil {
			return jobPending, tc.unexpected(r, "replicate prediction is not JSON: "+err.Error())
		}
		switch p.Status {
		case "succeeded":
			return jobDone, nil
		case "failed", "canceled", "aborted":
			return jobPending, jobStatusFailed(p.Status, messageOf(p.Error))
		}
		return jobPending, nil
	}
}

// replicateHasOutput reports an output that is there: not absent, null,
// an empty string or an empty list.
func replicateHasOutput(output json.RawMessage) bool {
	switch strings.TrimSpace(string(output)) {
	case "", "null", `""`, "[]":
		return false
	}
	return true
}

// replicateFirst returns the first element of a list output, or the output
// itself.
func replicateFirst(output json.RawMessage) json.RawMessage {
	if firstByte(output) != '[' {
		return output
	}
	var list []json.RawMessage
	if json.Unmarshal(output, &list) != nil || len(list) == 0 {
		return nil
	}
	return list[0]
}

// replicateString decodes raw when it is a JSON string.
func replicateString(raw json.RawMessage) (string, bool) {
	var s string
	if firstByte(raw) != '"' || json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

// replicateFileResult downloads the output file: the output URL, or the
// first of a list of them.
func replicateFileResult(ctx context.Context, tc *taskCall, p *replicatePrediction, r *rawResponse) (*rawResponse, error) {
	link, ok := replicateString(replicateFirst(p.Output))
	if !ok || link == "" {
		return nil, tc.unexpected(r, "no output URL in the prediction")
	}
	return tc.fetchResult(ctx, link)
}

// replicateSpeechRecognitionResult reads the transcript from an output
// string (or the first of a list), or from an output object's translation,
// transcription or txt_file (downloaded), in that order of preference.
func replicateSpeechRecognitionResult(ctx context.Context, tc *taskCall, p *replicatePrediction, r *rawResponse) (*rawResponse, error) {
	first := replicateFirst(p.Output)
	if s, ok := replicateString(first); ok {
		return jsonResult(AutomaticSpeechRecognitionOutput{Text: s})
	}
	var obj struct {
		Transcription any `json:"transcription"`
		Translation   any `json:"translation"`
		TxtFile       any `json:"txt_file"`
	}
	if firstByte(first) != '{' || json.Unmarshal(first, &obj) != nil {
		return nil, tc.unexpected(r, "no transcript in the prediction's output")
	}
	if s, ok := obj.Translation.(string); ok {
		return jsonResult(AutomaticSpeechRecognitionOutput{Text: s})
	}
	if s, ok := obj.Transcription.(string); ok {
		return jsonResult(AutomaticSpeechRecognitionOutput{Text: s})
	}
	link, ok := obj.TxtFile.(string)
	if !ok {
		return nil, tc.unexpected(r, "no transcription, translation or txt_file in the prediction's output")
	}
	txt, err := tc.fetchResult(ctx, link)
	if err != nil {
		return nil, err
	}
	return jsonResult(AutomaticSpeechRecognitionOutput{Text: string(txt.data)})
}
