package inference

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
)

// zaiOrg needs two headers of its own on every request. It draws
// asynchronously: the creation answer names a task polled at
// /api/paas/v4/async-result/{id} until it names the image to download. It
// reads documents (image-to-text) by layout parsing.
var zaiOrg = &provider{
	baseURL: "https://api.z.ai",
	tasks: map[Task]*taskHelper{
		TaskConversational: {
			route:   func(string) string { return "/api/paas/v4/chat/completions" },
			headers: zaiHeaders,
		},
		TaskTextToImage: {
			route:    compatRoute("/api/paas/v4/async/images/generations"),
			headers:  zaiHeaders,
			body:     zaiTextToImageBody,
			response: zaiImageResponse,
		},
		// Image-to-text is layout parsing (GLM-OCR): the page goes up as a
		// data URL, the text comes back as markdown.
		TaskImageToText: {
			route:    compatRoute("/api/paas/v4/layout_parsing"),
			headers:  zaiHeaders,
			body:     zaiLayoutBody,
			response: zaiLayoutResponse,
		},
	},
}

// zaiLayoutBody is {"model", "file": data URL}; the task's parameters
// have no counterpart there and are left out (ExtraBody fields are sent).
func zaiLayoutBody(tc *taskCall) (*taskBody, error) {
	if err := needMedia(tc); err != nil {
		return nil, err
	}
	file := "data:" + firstNonEmpty(tc.media.contentType, "image/png") + ";base64," + tc.media.base64()
	return compatBody(tc, nil, map[string]any{"model": tc.target.model, "file": file})
}

// zaiLayoutResponse turns {"md_results": markdown} into the task's
// {"generated_text"}.
func zaiLayoutResponse(_ context.Context, tc *taskCall, r *rawResponse) (*rawResponse, error) {
	var out struct {
		MDResults *string `json:"md_results"`
	}
	if err := tc.decodeJSON(r, &out); err != nil {
		return nil, err
	}
	if out.MDResults == nil {
		return nil, tc.unexpected(r, "no md_results")
	}
	return jsonResult(ImageToTextOutput{GeneratedText: *out.MDResults})
}

// zaiHeaders adds the language and source channel zai-org asks for.
func zaiHeaders(h http.Header) {
	h.Set("Accept-Language", "en-US,en")
	h.Set("X-Source-Channel", "hugging_face")
}

// zaiTextToImageBody sends width and height as a "WxH" size, when both
// are given (a lone one is left out), with the other parameters.
func zaiTextToImageBody(tc *taskCall) (*taskBody, error) {
	params := compatParams(tc, nil, "width", "height")
	w, okW := tc.params["width"]
	h, okH := tc.params["height"]
	if okW && okH {
		params["width"], params["height"] = w, h
		compatSize(params)
	}
	return compatBody(tc, params, map[string]any{"model": tc.target.model, "prompt": tc.inputs})
}

// zaiTask is the state of an image task, in the creation answer and in
// the polls.
type zaiTask struct {
	ID          string `json:"id"`
	TaskStatus  string `json:"task_status"`
	ImageResult []struct {
		URL string `json:"url"`
	} `json:"image_result"`
}

// state says whether the task succeeded, failed or is still processing.
func (z *zaiTask) state() (jobState, error) {
	switch z.TaskStatus {
	case "SUCCESS":
		return jobDone, nil
	case "FAIL":
		return jobPending, jobFailed("zai-org image task %s failed", z.ID)
	}
	return jobPending, nil
}

// zaiImageResponse polls the task until it succeeds (unless the creation
// answer already has the image), then downloads the image.
func zaiImageResponse(ctx context.Context, tc *taskCall, r *rawResponse) (*rawResponse, error) {
	var task zaiTask
	if err := tc.decodeJSON(r, &task); err != nil {
		return nil, err
	}
	if task.ID == "" {
		return nil, tc.unexpected(r, "no task id")
	}
	id := task.ID
	state, err := task.state()
	if err != nil {
		return nil, &opError{op: tc.describe(), err: err}
	}
	if state == jobPending {
		pollURL := tc.target.base + "/api/paas/v4/async-result/" + url.PathEscape(id)
		r, err = tc.poll(ctx, pollURL, func(pr *rawResponse) (jobState, error) {
			task = zaiTask{ID: id}
			if err := json.Unmarshal(pr.data, &task); err != nil {
				return jobPending, tc.unexpected(pr, "bad task status: "+err.Error())
			}
			return task.state()
		})
		if err != nil {
			return nil, err
		}
	}
	if len(task.ImageResult) == 0 || task.ImageResult[0].URL == "" {
		return nil, tc.unexpected(r, "no image_result[0].url")
	}
	return tc.fetchResult(ctx, task.ImageResult[0].URL)
}
