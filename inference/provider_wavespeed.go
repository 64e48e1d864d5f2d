package inference

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"sync"
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
		// The image+text tasks use the image endpoints; without an image
		// they send a blank one, as the JS client does.
		TaskImageTextToImage: wavespeedTask(wavespeedImageTextBody),
		TaskImageTextToVideo: wavespeedTask(wavespeedImageTextBody),
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

// wavespeedImageTextBody is wavespeedImageBody, with a fully transparent
// 1x1 PNG standing for the image when there is none.
func wavespeedImageTextBody(tc *taskCall) (map[string]any, error) {
	if tc.media == nil {
		tc.media = &mediaData{data: blankPNG(), contentType: "image/png"}
	}
	return wavespeedImageBody(tc)
}

// blankPNG is a fully transparent 1x1 PNG.
var blankPNG = sync.OnceValue(func() []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewNRGBA(image.Rect(0, 0, 1, 1))); err != nil {
		panic("inference: encoding a 1x1 PNG: " + err.Error())
	}
	return buf.Bytes()
})

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
