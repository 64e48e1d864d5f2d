package inference

import (
	"context"
	"encoding/json"
	"fmt"
)

// wavespeed is WaveSpeedAI: image and video generation. Every task is a
// job: the POST to /api/v3/{model} answers with data.urls.get, polled until
// data.status is completed; the first of data.outputs is the result.
var wavespeed = &provider{
	baseURL: "https://api.wavespeed.ai",
	tasks: map[Task]*taskHelper{
		TaskTextToImage:  wavespeedTask(wavespeedPromptBody),
		TaskTextToVideo:  wavespeedTask(wavespeedPromptBody),
		TaskImageToImage: wavespeedTask(wavespeedImageBody),
		TaskImageToVideo: wavespeedTask(wavespeedImageBody),
	},
}

// wavespeedTask is the helper of one wavespeed task whose fields are built
// by fields; the ExtraBody fields go at the top level.
func wavespeedTask(fields func(tc *taskCall) (map[string]any, error)) *taskHelper {
	return &taskHelper{
		route:     func(model string) string { return "/api/v3/" + model },
		body:      fieldsBody(fields),
		response:  wavespeedAwait,
		takesURLs: true,
	}
}

// wavespeedPromptBody is {"prompt": ..., ...parameters}.
func wavespeedPromptBody(tc *taskCall) (map[string]any, error) {
	return withParams(tc, map[string]any{"prompt": tc.inputs}), nil
}

// wavespeedImageBody is {"image": URL, ...parameters}, the prompt being
// one of the parameters.
func wavespeedImageBody(tc *taskCall) (map[string]any, error) {
	if err := needMedia(tc); err != nil {
		return nil, err
	}
	return withParams(tc, map[string]any{"image": tc.media.urlOrDataURL("image/jpeg")}), nil
}

// wavespeedJob is the data of a wavespeed answer, at submission and when
// polled.
type wavespeedJob struct {
	Data struct {
		Status  string          `json:"status"`
		Outputs []string        `json:"outputs"`
		Error   json.RawMessage `json:"error"`
		URLs    struct {
			Get string `json:"get"`
		} `json:"urls"`
	} `json:"data"`
}

// wavespeedAwait polls the job of a submission until it completes and
// downloads its first output. The result URL keeps the path of
// data.urls.get on the host the call was sent to.
func wavespeedAwait(ctx context.Context, tc *taskCall, r *rawResponse) (*rawResponse, error) {
	var sub wavespeedJob
	if err := tc.decodeJSON(r, &sub); err != nil {
		return nil, err
	}
	if sub.Data.URLs.Get == "" {
		return nil, tc.unexpected(r, "no data.urls.get in wavespeed's answer")
	}
	jobURL, err := tc.jobURL(sub.Data.URLs.Get)
	if err != nil {
		return nil, tc.unexpected(r, err.Error())
	}
	done, err := tc.poll(ctx, jobURL, wavespeedCheck(tc))
	if err != nil {
		return nil, err
	}
	var job wavespeedJob
	if err := tc.decodeJSON(done, &job); err != nil {
		return nil, err
	}
	if len(job.Data.Outputs) == 0 || job.Data.Outputs[0] == "" {
		return nil, tc.unexpected(done, "no output URL in the completed job")
	}
	return tc.fetchResult(ctx, job.Data.Outputs[0])
}

// wavespeedCheck reads one poll: created and processing are pending,
// completed is done, failed ends with [ErrJobFailed] and wavespeed's
// message; any other status is an unexpected answer.
func wavespeedCheck(tc *taskCall) func(*rawResponse) (jobState, error) {
	return func(r *rawResponse) (jobState, error) {
		var job wavespeedJob
		if err := json.Unmarshal(r.data, &job); err != nil {
			return jobPending, tc.unexpected(r, "wavespeed job status is not JSON: "+err.Error())
		}
		switch s := job.Data.Status; s {
		case "completed":
			return jobDone, nil
		case "created", "processing":
			return jobPending, nil
		case "failed":
			return jobPending, jobStatusFailed(s, messageOf(job.Data.Error))
		default:
			return jobPending, tc.unexpected(r, fmt.Sprintf("unknown job status %q", s))
		}
	}
}
