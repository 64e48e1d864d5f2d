package inference

import (
	"context"
	"encoding/json"
	"net/http"
)

// blackForestLabs draws asynchronously: the creation answer names a
// polling_url, whose "Ready" answer names the image to download. With its
// own key it authenticates with an X-Key header, on the creation and on
// the polls; through the router, the polls (on Black Forest Labs' host)
// go without credentials, as the references send them.
var blackForestLabs = &provider{
	baseURL: "https://api.us1.bfl.ai",
	tasks: map[Task]*taskHelper{
		TaskTextToImage: {
			route:       func(model string) string { return "/v1/" + model },
			body:        bflTextToImageBody,
			callHeaders: bflHeaders,
			response:    bflResponse,
		},
	},
}

// bflHeaders replaces the bearer token by X-Key with the provider's key.
func bflHeaders(tc *taskCall, h http.Header) {
	if tc.target.direct {
		h.Del("Authorization")
		h.Set("X-Key", tc.c.token)
	}
}

// bflTextToImageBody is the prompt and the parameters, the step count
// named steps and the guidance scale guidance; the model is in the route.
func bflTextToImageBody(tc *taskCall) (*taskBody, error) {
	params := compatParams(tc, map[string]string{"num_inference_steps": "steps", "guidance_scale": "guidance"})
	return compatBody(tc, params, map[string]any{"prompt": tc.inputs})
}

// bflResult is a poll's answer.
type bflResult struct {
	Status string `json:"status"`
	Result *struct {
		Sample string `json:"sample"`
	} `json:"result"`
}

// state says whether the image is ready, still coming, or refused.
func (b *bflResult) state() (jobState, error) {
	switch b.Status {
	case "Ready":
		return jobDone, nil
	case "Error", "Failed", "Content Moderated", "Request Moderated", "Task not found":
		return jobPending, jobFailed("black-forest-labs job ended with status %q", b.Status)
	}
	return jobPending, nil
}

// bflResponse polls the polling_url until the image is ready, then
// downloads it.
func bflResponse(ctx context.Context, tc *taskCall, r *rawResponse) (*rawResponse, error) {
	var created struct {
		PollingURL string `json:"polling_url"`
	}
	if err := tc.decodeJSON(r, &created); err != nil {
		return nil, err
	}
	if !isURL(created.PollingURL) {
		return nil, tc.unexpected(r, "no http(s) polling_url")
	}
	// Black Forest Labs' own key is needed on its polling host; a routed
	// call's Hugging Face token is not that host's business.
	get := tc.get
	if !tc.target.direct {
		get = tc.fetchPublic
	}
	var result bflResult
	r, err := tc.pollWith(ctx, created.PollingURL, get, func(pr *rawResponse) (jobState, error) {
		result = bflResult{}
		if err := json.Unmarshal(pr.data, &result); err != nil {
			return jobPending, tc.unexpected(pr, "bad job status: "+err.Error())
		}
		return result.state()
	})
	if err != nil {
		return nil, err
	}
	if result.Result == nil || result.Result.Sample == "" {
		return nil, tc.unexpected(r, "ready job has no result.sample")
	}
	return tc.fetchResult(ctx, result.Result.Sample)
}
