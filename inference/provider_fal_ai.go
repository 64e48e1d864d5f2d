package inference

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// falAI is fal.ai. Speech recognition, text-to-speech and text-to-image
// answer at once on fal.run; the other tasks (videos, image edits,
// segmentation, text-to-audio, audio-to-audio, the image+text tasks) go
// through fal's queue (queue.fal.run with fal's key, ?_subdomain=queue
// through the router) and are polled until COMPLETED. With its own key fal
// wants "Authorization: Key <key>" instead of a bearer token.
var falAI = &provider{
	baseURL: "https://fal.run",
	tasks: map[Task]*taskHelper{
		TaskAutomaticSpeechRecognition: falSync(falSpeechRecognitionBody, falSpeechRecognitionResult),
		TaskTextToImage:                falSync(falLoRA(falTextToImageBody), falFileResult("images")),
		TaskTextToSpeech:               falSync(falTextToSpeechBody, falFileResult("audio")),
		TaskTextToVideo:                falQueue(falLoRA(falPromptBody), falFileResult("video")),
		TaskImageToVideo:               falQueue(falLoRA(falImageToVideoBody), falFileResult("video")),
		TaskImageToImage:               falQueue(falLoRA(falImageToImageBody), falFileResult("images")),
		TaskImageSegmentation:          falQueue(falSegmentationBody, falSegmentationResult),
		TaskTextToAudio:                falQueue(falPromptBody, falAudioResult),
		TaskAudioToAudio:               falQueue(falAudioToAudioBody, falAudioToAudioResult),
		TaskImageTextToImage:           falImageOptional(falQueue(falLoRA(falImageTextToImageBody), falFileResult("images"))),
		TaskImageTextToVideo:           falImageOptional(falQueue(falLoRA(falImageTextToVideoBody), falFileResult("video"))),
	},
}

// falQueueBaseURL is fal's queue API, called directly with fal's key.
const falQueueBaseURL = "https://queue.fal.run"

// falFields builds the JSON fields of a fal request, without the
// ExtraBody fields.
type falFields = func(tc *taskCall) (map[string]any, error)

// falResult turns fal's final JSON answer into the task's common shape.
type falResult func(ctx context.Context, tc *taskCall, r *rawResponse) (*rawResponse, error)

// falSync is the helper of a task fal answers in the reply to the POST.
func falSync(fields falFields, result falResult) *taskHelper {
	return &taskHelper{
		route:       falRoute,
		body:        fieldsBody(fields),
		callHeaders: falAuth,
		takesURLs:   true,
		response:    result,
	}
}

// falQueue is the helper of a task that goes through fal's queue: the POST
// answers with a request id, whose status is polled before the result is
// fetched and interpreted by result.
func falQueue(fields falFields, result falResult) *taskHelper {
	return &taskHelper{
		route:         falRoute,
		directBaseURL: falQueueBaseURL,
		routedQuery:   "_subdomain=queue",
		body:          fieldsBody(fields),
		callHeaders:   falAuth,
		takesURLs:     true,
		response: func(ctx context.Context, tc *taskCall, r *rawResponse) (*rawResponse, error) {
			out, err := falAwait(ctx, tc, r)
			if err != nil {
				return nil, err
			}
			return result(ctx, tc, out)
		},
	}
}

// falRoute is fal's path: the provider model id itself.
func falRoute(model string) string { return "/" + model }

// falAuth replaces the bearer token with fal's "Key" form when the call
// uses fal's own key; routed calls keep the Hugging Face bearer token.
func falAuth(tc *taskCall, h http.Header) {
	if tc.target.direct {
		h.Set("Authorization", "Key "+tc.c.token)
	}
}

// falAudioTypes maps an audio content type to the label fal's data-URL
// decoder accepts for the same bytes.
var falAudioTypes = map[string]string{
	"audio/mpeg":  "audio/mpeg",
	"audio/mp3":   "audio/mpeg",
	"audio/wav":   "audio/x-wav",
	"audio/wave":  "audio/x-wav",
	"audio/x-wav": "audio/x-wav",
	"audio/webm":  "video/webm",
	"video/webm":  "video/webm",
}

// falAudioURL is the audio input as fal takes it: its http(s) URL, else a
// data URL labelled with a type fal decodes (audio/mpeg when unknown).
func falAudioURL(d *mediaData) string {
	if d.url != "" {
		return d.url
	}
	ct, _, _ := strings.Cut(d.contentType, ";")
	label, ok := falAudioTypes[strings.ToLower(strings.TrimSpace(ct))]
	if !ok {
		label = "audio/mpeg"
	}
	return "data:" + label + ";base64," + d.base64()
}

// falSpeechRecognitionBody is {"audio_url": URL, ...parameters}.
func falSpeechRecognitionBody(tc *taskCall) (map[string]any, error) {
	if err := needMedia(tc); err != nil {
		return nil, err
	}
	return withParams(tc, map[string]any{"audio_url": falAudioURL(tc.media)}), nil
}

// falLoRA adds the mapping's LoRA weights to a body, as fal's LoRA
// endpoints take them; the SDXL-based "fal-ai/lora" endpoint also needs
// its base model named.
func falLoRA(fields falFields) falFields {
	return func(tc *taskCall) (map[string]any, error) {
		m, err := fields(tc)
		if err != nil {
			return nil, err
		}
		if u := tc.loraURL(); u != "" {
			m["loras"] = []map[string]any{{"path": u, "scale": 1}}
			if tc.target.model == "fal-ai/lora" && tc.task == TaskTextToImage {
				m["model_name"] = "stabilityai/stable-diffusion-xl-base-1.0"
			}
		}
		return m, nil
	}
}

// falTextToImageBody is {"prompt": ..., ...parameters}, with width and
// height given together moved into fal's image_size object.
func falTextToImageBody(tc *taskCall) (map[string]any, error) {
	m := withParams(tc, map[string]any{"prompt": tc.inputs})
	w, okW := m["width"]
	h, okH := m["height"]
	if okW && okH {
		m["image_size"] = map[string]any{"width": w, "height": h}
		delete(m, "width")
		delete(m, "height")
	}
	return m, nil
}

// falTextToSpeechBody is {"text": ..., ...parameters}.
func falTextToSpeechBody(tc *taskCall) (map[string]any, error) {
	return withParams(tc, map[string]any{"text": tc.inputs}), nil
}

// falPromptBody is {"prompt": ..., ...parameters}: text-to-video and
// text-to-audio.
func falPromptBody(tc *taskCall) (map[string]any, error) {
	return withParams(tc, map[string]any{"prompt": tc.inputs}), nil
}

// falImageToImageBody sends the image both as image_url and as
// image_urls (endpoints differ), with target_size renamed image_size.
func falImageToImageBody(tc *taskCall) (map[string]any, error) {
	if err := needMedia(tc); err != nil {
		return nil, err
	}
	img := tc.media.urlOrDataURL("image/jpeg")
	m := withParams(tc, map[string]any{"image_url": img, "image_urls": []string{img}})
	return falImageSize(m), nil
}

// falImageToVideoBody is {"image_url": URL, ...parameters}.
func falImageToVideoBody(tc *taskCall) (map[string]any, error) {
	if err := needMedia(tc); err != nil {
		return nil, err
	}
	return withParams(tc, map[string]any{"image_url": tc.media.urlOrDataURL("image/jpeg")}), nil
}

// falSegmentationBody is {"image_url": URL, ...parameters, "sync_mode":
// true}, so that the mask comes back inline when fal can.
func falSegmentationBody(tc *taskCall) (map[string]any, error) {
	if err := needMedia(tc); err != nil {
		return nil, err
	}
	m := withParams(tc, map[string]any{"image_url": tc.media.urlOrDataURL("image/png")})
	m["sync_mode"] = true
	return m, nil
}

// falQueued is fal's answer to a queue submission.
type falQueued struct {
	RequestID   string `json:"request_id"`
	Status      string `json:"status"`
	ResponseURL string `json:"response_url"`
}

// falAwait polls a queued fal request until COMPLETED and returns its
// result. The status and result URLs keep the path of fal's response_url
// (the app id may differ from the mapped model) on the host and query the
// call was sent to: the router's fal-ai prefix, or fal's queue host.
func falAwait(ctx context.Context, tc *taskCall, r *rawResponse) (*rawResponse, error) {
	var q falQueued
	if err := tc.decodeJSON(r, &q); err != nil {
		return nil, err
	}
	if q.RequestID == "" || q.ResponseURL == "" {
		return nil, tc.unexpected(r, "no request_id or response_url in fal's queue answer")
	}
	resultURL, err := tc.jobURL(q.ResponseURL)
	if err != nil {
		return nil, tc.unexpected(r, err.Error())
	}
	query := ""
	if u, err := url.Parse(tc.target.url); err == nil && u.RawQuery != "" {
		query = "?" + u.RawQuery
	}
	if q.Status != "COMPLETED" {
		if _, err := tc.poll(ctx, resultURL+"/status"+query, falCheck(tc)); err != nil {
			return nil, err
		}
	}
	out, err := tc.get(ctx, resultURL+query)
	if err != nil {
		return nil, withOp(tc.describe()+": fetching the result of request "+q.RequestID, err)
	}
	return out, nil
}

// falCheck reads one answer of fal's status endpoint. fal's statuses are
// IN_QUEUE, IN_PROGRESS and COMPLETED; a COMPLETED status that carries an
// error, or a failure status, ends the wait with [ErrJobFailed]. Any other
// status is taken as still pending, as the reference clients do.
func falCheck(tc *taskCall) func(*rawResponse) (jobState, error) {
	return func(r *rawResponse) (jobState, error) {
		var s struct {
			Status string          `json:"status"`
			Error  json.RawMessage `json:"error"`
		}
		if err := json.Unmarshal(r.data, &s); err != nil {
			return jobPending, tc.unexpected(r, "fal status is not JSON: "+err.Error())
		}
		msg := messageOf(s.Error)
		switch s.Status {
		case "COMPLETED":
			if msg != "" {
				return jobPending, jobStatusFailed(s.Status, msg)
			}
			return jobDone, nil
		case "FAILED", "ERROR", "CANCELLED", "CANCELED":
			return jobPending, jobStatusFailed(s.Status, msg)
		}
		return jobPending, nil
	}
}

// falFileResult reads the URL of the first file under field (an object
// {"url": ...} or a list of them, as fal's images) and downloads it.
func falFileResult(field string) falResult {
	return func(ctx context.Context, tc *taskCall, r *rawResponse) (*rawResponse, error) {
		var out map[string]json.RawMessage
		if err := tc.decodeJSON(r, &out); err != nil {
			return nil, err
		}
		link := falFileURL(out[field])
		if link == "" {
			return nil, tc.unexpected(r, fmt.Sprintf("no %s URL in fal's result", field))
		}
		return tc.fetchResult(ctx, link)
	}
}

// falFileURL returns the url of a fal file object, or of the first object
// of a list of them, or "".
func falFileURL(raw json.RawMessage) string {
	type file struct {
		URL string `json:"url"`
	}
	var one file
	if json.Unmarshal(raw, &one) == nil && one.URL != "" {
		return one.URL
	}
	var list []file
	if json.Unmarshal(raw, &list) == nil && len(list) > 0 {
		return list[0].URL
	}
	return ""
}

// falSegmentationResult turns fal's {"image": {"url": ...}} mask into the
// image-segmentation list: one segment labelled "mask", score 1 (fal gives
// neither), its mask in base64.
func falSegmentationResult(ctx context.Context, tc *taskCall, r *rawResponse) (*rawResponse, error) {
	var out struct {
		Image json.RawMessage `json:"image"`
	}
	if err := tc.decodeJSON(r, &out); err != nil {
		return nil, err
	}
	link := falFileURL(out.Image)
	if link == "" {
		return nil, tc.unexpected(r, "no image URL in fal's segmentation result")
	}
	mask, err := tc.fetchResult(ctx, link)
	if err != nil {
		return nil, err
	}
	seg := []ImageSegmentationOutputElement{{Label: "mask", Mask: base64.StdEncoding.EncodeToString(mask.data), Score: Ptr(1.0)}}
	return jsonResult(seg)
}

// falSpeechRecognitionResult reads the transcript from "text" (whisper) or
// "output" (other models), with whisper's timestamped chunks when present.
func falSpeechRecognitionResult(_ context.Context, tc *taskCall, r *rawResponse) (*rawResponse, error) {
	var out struct {
		Text   any             `json:"text"`
		Output any             `json:"output"`
		Chunks json.RawMessage `json:"chunks"`
	}
	if err := tc.decodeJSON(r, &out); err != nil {
		return nil, err
	}
	text, ok := out.Text.(string)
	if !ok {
		text, ok = out.Output.(string)
	}
	if !ok {
		return nil, tc.unexpected(r, "no transcript string in text or output")
	}
	res := AutomaticSpeechRecognitionOutput{Text: text}
	var chunks []AutomaticSpeechRecognitionOutputChunk
	if len(out.Chunks) > 0 && json.Unmarshal(out.Chunks, &chunks) == nil {
		res.Chunks = chunks
	}
	return jsonResult(res)
}

// falImageSize renames the task's target_size parameter to fal's
// image_size, in place, and returns m.
func falImageSize(m map[string]any) map[string]any {
	if size, ok := m["target_size"]; ok {
		m["image_size"] = size
		delete(m, "target_size")
	}
	return m
}
