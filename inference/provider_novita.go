package inference

import (
	"context"
	"encoding/json"
	"net/url"
)

// novita serves chat and text generation at its OpenAI-compatible paths
// (no /v1), text-to-video as an asynchronous job whose result is polled at
// /v3/async/task-result, and image-text-to-video (MiniMax-H3 only) as a
// job polled at /v3/minimax/v2/query/video_generation/{id}.
var novita = &provider{
	baseURL: "https://api.novita.ai",
	tasks: map[Task]*taskHelper{
		TaskConversational: chatAt("/v3/openai/chat/completions"),
		TaskTextGeneration: compatCompletions("/v3/openai/completions", false),
		TaskTextToVideo: {
			route:    func(model string) string { return "/v3/async/" + model },
			body:     novitaTextToVideoBody,
			response: novitaVideoResponse,
		},
		TaskImageTextToVideo: {
			route:     compatRoute("/v3/minimax/v2/video_generation"),
			body:      novitaMiniMaxBody,
			response:  novitaMiniMaxResponse,
			takesURLs: true,
		},
	},
}

// novitaTextToVideoBody is the prompt and the parameters, the step count
// named "steps"; the model is in the route.
func novitaTextToVideoBody(tc *taskCall) (*taskBody, error) {
	params := compatParams(tc, map[string]string{"num_inference_steps": "steps"})
	return compatBody(tc, params, map[string]any{"prompt": tc.inputs})
}

// novitaTaskResult is what the task-result endpoint reports.
type novitaTaskResult struct {
	Task *struct {
		Status string `json:"status"`
	} `json:"task"`
	Videos []struct {
		VideoURL string `json:"video_url"`
	} `json:"videos"`
}

// novitaTaskID reads the task_id of a creation answer.
func novitaTaskID(tc *taskCall, r *rawResponse) (string, error) {
	var created struct {
		TaskID string `json:"task_id"`
	}
	if err := tc.decodeJSON(r, &created); err != nil {
		return "", err
	}
	if created.TaskID == "" {
		return "", tc.unexpected(r, "no task_id")
	}
	return created.TaskID, nil
}

// novitaVideoResponse polls the task the creation answer names until it
// succeeds, then downloads the first video.
func novitaVideoResponse(ctx context.Context, tc *taskCall, r *rawResponse) (*rawResponse, error) {
	taskID, err := novitaTaskID(tc, r)
	if err != nil {
		return nil, err
	}
	resultURL := tc.target.base + "/v3/async/task-result?task_id=" + url.QueryEscape(taskID)
	var result novitaTaskResult
	r, err = tc.poll(ctx, resultURL, func(pr *rawResponse) (jobState, error) {
		result = novitaTaskResult{}
		if err := json.Unmarshal(pr.data, &result); err != nil || result.Task == nil || result.Task.Status == "" {
			return jobPending, tc.unexpected(pr, "no task.status")
		}
		switch result.Task.Status {
		case "TASK_STATUS_SUCCEED":
			return jobDone, nil
		case "TASK_STATUS_FAILED":
			return jobPending, jobFailed("novita task %s failed", taskID)
		}
		return jobPending, nil
	})
	if err != nil {
		return nil, err
	}
	if len(result.Videos) == 0 || result.Videos[0].VideoURL == "" {
		return nil, tc.unexpected(r, "no videos[0].video_url")
	}
	return tc.fetchResult(ctx, result.Videos[0].VideoURL)
}
