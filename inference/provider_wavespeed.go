package inference

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"strings"
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
		route: func(model string) string { return "/api/v3/" + model },
		body: func(tc *taskCall) (*taskBody, error) {
			m, err := fields(tc)
			if err != nil {
				return nil, err
			}
			maps.Copy(m, tc.extra)
			return jsonBody(m)
		},
		response: wavespeedAwait,
	}
}

// wavespeedPromptBody is {"prompt": ..., ...parameters}.
func wavespeedPromptBody(tc *taskCall) (map[string]any, error) {
	return asyncFields(tc, map[string]any{"prompt": tc.inputs}), nil
}

// wavespeedImageBody is {"image": URL, ...parameters}, the prompt being
// one of the parameters.
func wavespeedImageBody(tc *taskCall) (map[string]any, error) {
	if err := asyncNeedMedia(tc); err != nil {
		return nil, err
	}
	return asyncFields(tc, map[string]any{"image": asyncMediaURL(tc.media, "image/jpeg")}), nil
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
	jobURL, err := asyncJobURL(tc, sub.Data.URLs.Get)
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
	return asyncFetchOutput(ctx, tc, job.Data.Outputs[0])
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
			return jobPending, asyncJobFailed(s, messageOf(job.Data.Error))
		default:
			return jobPending, tc.unexpected(r, fmt.Sprintf("unknown job status %q", s))
		}
	}
}

// The helpers below are shared by the asynchronous providers (fal-ai,
// replicate, wavespeed).

// asyncFields returns fields with the call's parameters added at the same
// level (a parameter wins over a field of the same name).
func asyncFields(tc *taskCall, fields map[string]any) map[string]any {
	maps.Copy(fields, tc.params)
	return fields
}

// asyncNeedMedia reports a call that has no binary input loaded.
func asyncNeedMedia(tc *taskCall) error {
	if tc.media == nil {
		return fmt.Errorf("%w: %s needs a binary input", ErrInvalidOption, tc.task)
	}
	return nil
}

// asyncMediaURL is a binary input as providers that take URLs want it:
// its http(s) URL, else a base64 data URL typed with the input's content
// type, or with defaultType when that is unknown.
func asyncMediaURL(d *mediaData, defaultType string) string {
	if d.url != "" {
		return d.url
	}
	ct := d.contentType
	if ct == "" || ct == "application/octet-stream" {
		ct = defaultType
	}
	return "data:" + ct + ";base64," + d.base64()
}

// asyncJobURL rebuilds a job URL a provider returned on the base the call
// was sent to: the provider's prefix on the router for a routed call, the
// scheme and host of the call's URL for a direct one. Only the path of the
// returned URL is kept, so that credentials never go to another host.
func asyncJobURL(tc *taskCall, returned string) (string, error) {
	u, err := url.Parse(returned)
	if err != nil || u.Path == "" {
		return "", fmt.Errorf("job URL %q has no path", returned)
	}
	base := tc.c.routerURL + "/" + tc.target.provider
	if tc.direct {
		t, err := url.Parse(tc.target.url)
		if err != nil {
			return "", fmt.Errorf("call URL: %w", err)
		}
		base = t.Scheme + "://" + t.Host
	}
	return strings.TrimRight(base, "/") + u.EscapedPath(), nil
}

// asyncFetchOutput returns the content of a result URL: decoded in place
// for a data URL, downloaded (without credentials) for an http(s) one.
func asyncFetchOutput(ctx context.Context, tc *taskCall, link string) (*rawResponse, error) {
	if strings.HasPrefix(link, "data:") {
		var d mediaData
		if err := d.fromDataURL(link); err != nil {
			return nil, &ResponseError{Task: tc.task, Provider: tc.target.name(), Body: truncate([]byte(link), 200), Err: err}
		}
		if d.contentType == "" {
			d.contentType = sniff(d.data)
		}
		return &rawResponse{data: d.data, contentType: d.contentType}, nil
	}
	if !isURL(link) {
		return nil, tc.unexpected(&rawResponse{data: []byte(link)}, "result is not an http(s) or data URL")
	}
	return tc.download(ctx, link)
}

// asyncJSONResult encodes a task's common JSON shape as an answer.
func asyncJSONResult(v any) (*rawResponse, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return &rawResponse{data: b, contentType: "application/json"}, nil
}

// asyncJobFailed is the error of a job the provider reports failed,
// naming its status and the provider's message.
func asyncJobFailed(status, message string) error {
	if message == "" {
		message = "no reason given"
	}
	return fmt.Errorf("%w: status %s: %s", ErrJobFailed, status, message)
}
