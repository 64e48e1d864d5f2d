package inference

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
)

// together takes {"type":"json_schema","schema":S}, without the envelope.
// Its images come back in base64, its videos from an asynchronous job
// polled at /v2/videos/{id}; transcriptions take a multipart form.
var together = &provider{
	baseURL: "https://api.together.xyz",
	tasks: map[Task]*taskHelper{
		TaskConversational: {
			route: openAIChat().route,
			chat: func(p *chatPayload) {
				if s, ok := p.jsonSchema(); ok {
					p.responseFormat = map[string]any{"type": "json_schema", "schema": s}
				}
			},
		},
		TaskTextGeneration:    compatCompletions("/v1/completions", false),
		TaskFeatureExtraction: compatEmbeddings("/v1/embeddings", true),
		TaskTextToSpeech:      compatSpeech("/v1/audio/speech"),
		// An http(s) sound goes as its URL, which together fetches.
		TaskAutomaticSpeechRecognition: compatTranscription("/v1/audio/transcriptions", true),
		TaskTextToImage: {
			route:    compatRoute("/v1/images/generations"),
			body:     togetherTextToImageBody,
			response: compatImagesResponse,
		},
		TaskImageToImage: {
			route:     compatRoute("/v1/images/generations"),
			body:      togetherImageToImageBody,
			response:  compatImagesResponse,
			takesURLs: true,
		},
		TaskTextToVideo: {
			route:    compatRoute(togetherVideos),
			body:     togetherTextToVideoBody,
			response: togetherVideoResponse,
		},
		TaskImageToVideo: {
			route:     compatRoute(togetherVideos),
			body:      togetherImageToVideoBody,
			response:  togetherVideoResponse,
			takesURLs: true,
		},
	},
}

// togetherVideos is where video jobs are created, and (with the job id
// appended) polled.
const togetherVideos = "/v2/videos"

// togetherSteps is the rename of the step count Together's image and
// video APIs call "steps".
var togetherSteps = map[string]string{"num_inference_steps": "steps"}

// togetherTextToImageBody asks for a base64 image of the prompt.
func togetherTextToImageBody(tc *taskCall) (*taskBody, error) {
	fixed := map[string]any{"prompt": tc.inputs, "response_format": "base64", "model": tc.target.model}
	return compatBody(tc, compatParams(tc, togetherSteps), fixed)
}

// togetherImageToImageBody sends the input image as a URL or data URL:
// as image_url for FLUX.1 Kontext models, which take nothing else, and in
// reference_images for the others. The prompt defaults to "".
func togetherImageToImageBody(tc *taskCall) (*taskBody, error) {
	if err := needMedia(tc); err != nil {
		return nil, err
	}
	img := tc.media.urlOrDataURL("image/jpeg")
	prompt, _ := tc.params["prompt"].(string)
	fixed := map[string]any{"prompt": prompt, "response_format": "base64", "model": tc.target.model}
	m := strings.ToLower(tc.target.model)
	if strings.Contains(m, "kontext") && strings.Contains(m, "flux.1") {
		fixed["image_url"] = img
	} else {
		fixed["reference_images"] = []string{img}
	}
	return compatBody(tc, compatParams(tc, togetherSteps, "prompt"), fixed)
}

// togetherVideoParams renames the step count and flattens target_size
// into width and height, as the video API names them.
func togetherVideoParams(tc *taskCall) map[string]any {
	p := compatParams(tc, togetherSteps, "target_size")
	if size, ok := tc.params["target_size"].(map[string]any); ok {
		for _, k := range []string{"width", "height"} {
			if v, ok := size[k]; ok {
				p[k] = v
			}
		}
	}
	return p
}

// togetherTextToVideoBody creates a video job for the prompt.
func togetherTextToVideoBody(tc *taskCall) (*taskBody, error) {
	return compatBody(tc, togetherVideoParams(tc), map[string]any{"prompt": tc.inputs, "model": tc.target.model})
}

// togetherImageToVideoBody creates a video job whose first frame is the
// input image (a URL or data URL); a prompt goes with the parameters.
func togetherImageToVideoBody(tc *taskCall) (*taskBody, error) {
	if err := needMedia(tc); err != nil {
		return nil, err
	}
	frame := map[string]any{"input_image": tc.media.urlOrDataURL("image/png"), "frame": "first"}
	fixed := map[string]any{"model": tc.target.model, "frame_images": []any{frame}}
	return compatBody(tc, togetherVideoParams(tc), fixed)
}

// togetherJob is a video job as Together reports it.
type togetherJob struct {
	ID      string `json:"id"`
	Status  string `json:"status"`
	Outputs struct {
		VideoURL string `json:"video_url"`
	} `json:"outputs"`
	Error *struct {
		Message string `json:"message"`
	} `json:"error"`
}

// state says whether the job is still queued or running (a missing status
// counts as pending), completed, or ended otherwise.
func (j *togetherJob) state() (jobState, error) {
	switch j.Status {
	case "", "queued", "in_progress":
		return jobPending, nil
	case "completed":
		return jobDone, nil
	case "failed":
		msg := "unknown error"
		if j.Error != nil && j.Error.Message != "" {
			msg = j.Error.Message
		}
		return jobPending, jobFailed("together video job %s failed: %s", j.ID, msg)
	}
	return jobPending, jobFailed("together video job %s ended with status %q", j.ID, j.Status)
}

// togetherVideoResponse polls the job the creation answer names until it
// completes, then downloads the video.
func togetherVideoResponse(ctx context.Context, tc *taskCall, r *rawResponse) (*rawResponse, error) {
	var job togetherJob
	if err := tc.decodeJSON(r, &job); err != nil {
		return nil, err
	}
	if job.ID == "" {
		return nil, tc.unexpected(r, "no job id")
	}
	state, err := job.state()
	if err != nil {
		return nil, &opError{op: tc.describe(), err: err}
	}
	if state == jobPending {
		statusURL := tc.target.url + "/" + url.PathEscape(job.ID)
		r, err = tc.poll(ctx, statusURL, func(pr *rawResponse) (jobState, error) {
			job = togetherJob{}
			if err := json.Unmarshal(pr.data, &job); err != nil {
				return jobPending, tc.unexpected(pr, "bad job status: "+err.Error())
			}
			return job.state()
		})
		if err != nil {
			return nil, err
		}
	}
	if job.Outputs.VideoURL == "" {
		return nil, tc.unexpected(r, "completed job has no outputs.video_url")
	}
	return tc.fetchResult(ctx, job.Outputs.VideoURL)
}
