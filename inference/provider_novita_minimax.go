package inference

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"strings"
)

// novitaMiniMax is the one model novita serves image-text-to-video for.
const novitaMiniMax = "MiniMax-H3"

// novitaMiniMaxRatios are the aspect ratios MiniMax-H3 draws, widest
// first.
var novitaMiniMaxRatios = []struct {
	name string
	w, h float64
}{{"21:9", 21, 9}, {"16:9", 16, 9}, {"4:3", 4, 3}, {"1:1", 1, 1}, {"3:4", 3, 4}, {"9:16", 9, 16}}

// novitaMiniMaxBody asks MiniMax-H3 for a video: the prompt and the image
// (as the first frame) as content parts, and the task's num_frames and
// target_size turned into the duration (seconds at 24 frames per second,
// 4 to 15, 4 by default), the resolution (768P or 2K, by the shorter side)
// and the ratio (the closest MiniMax draws; "adaptive" to the image when
// there is one). The parameters MiniMax has no use for are left out.
func novitaMiniMaxBody(tc *taskCall) (*taskBody, error) {
	if tc.target.model != novitaMiniMax {
		return nil, fmt.Errorf("%w: novita serves image-text-to-video for %s only, not %q", ErrTaskNotSupported, novitaMiniMax, tc.target.model)
	}
	params := compatParams(tc, nil, "guidance_scale", "negative_prompt", "num_inference_steps", "seed",
		"prompt", "num_frames", "target_size")
	content := []any{}
	if prompt, _ := tc.params["prompt"].(string); prompt != "" {
		content = append(content, map[string]any{"type": "text", "text": prompt})
	}
	w, h, sized := novitaTargetSize(tc.params["target_size"])
	ratio := novitaRatio(w, h, sized)
	if tc.media != nil {
		content = append(content, map[string]any{
			"type": "image_url", "image_url": map[string]any{"url": tc.media.urlOrDataURL("image/png")}, "role": "first_frame",
		})
		ratio = "adaptive"
	}
	frames, _ := tc.params["num_frames"].(float64)
	fixed := map[string]any{
		"model": tc.target.model, "content": content, "ratio": ratio,
		"duration":   novitaDuration(frames, tc.params["num_frames"] != nil),
		"resolution": novitaResolution(w, h, sized),
	}
	return compatBody(tc, params, fixed)
}

// novitaTargetSize reads target_size's width and height.
func novitaTargetSize(v any) (w, h float64, ok bool) {
	size, isMap := v.(map[string]any)
	if !isMap {
		return 0, 0, false
	}
	w, okW := size["width"].(float64)
	h, okH := size["height"].(float64)
	return w, h, okW && okH && w > 0 && h > 0
}

// novitaDuration is the video's length in seconds for a frame count.
func novitaDuration(frames float64, given bool) int {
	if !given {
		return 4
	}
	return min(15, max(4, int(math.Round(frames/24))))
}

// novitaResolution is 768P or 2K, whichever is closer to the shorter side.
func novitaResolution(w, h float64, sized bool) string {
	if !sized {
		return "768P"
	}
	short := min(w, h)
	if math.Abs(short-768) <= math.Abs(short-1440) {
		return "768P"
	}
	return "2K"
}

// novitaRatio is the MiniMax ratio closest to w:h, 16:9 without a size.
func novitaRatio(w, h float64, sized bool) string {
	if !sized {
		return "16:9"
	}
	best, bestDiff := "", math.Inf(1)
	for _, r := range novitaMiniMaxRatios {
		if d := math.Abs(w/h - r.w/r.h); d < bestDiff {
			best, bestDiff = r.name, d
		}
	}
	return best
}

// novitaMiniMaxTask is a MiniMax job as the query endpoint reports it.
type novitaMiniMaxTask struct {
	Task struct {
		Status  string `json:"status"`
		Content *struct {
			URL string `json:"url"`
		} `json:"content"`
		Error json.RawMessage `json:"error"`
	} `json:"task"`
}

// novitaMiniMaxResponse polls the job the creation answer names until it
// succeeds, then downloads the video.
func novitaMiniMaxResponse(ctx context.Context, tc *taskCall, r *rawResponse) (*rawResponse, error) {
	taskID, err := novitaTaskID(tc, r)
	if err != nil {
		return nil, err
	}
	queryURL := strings.TrimRight(tc.target.base, "/") + "/v3/minimax/v2/query/video_generation/" + url.PathEscape(taskID)
	var job novitaMiniMaxTask
	r, err = tc.poll(ctx, queryURL, func(pr *rawResponse) (jobState, error) {
		job = novitaMiniMaxTask{}
		if err := json.Unmarshal(pr.data, &job); err != nil || job.Task.Status == "" {
			return jobPending, tc.unexpected(pr, "no task.status")
		}
		switch s := job.Task.Status; s {
		case "succeeded":
			return jobDone, nil
		case "failed", "cancelled":
			return jobPending, jobStatusFailed(s, messageOf(job.Task.Error))
		}
		return jobPending, nil
	})
	if err != nil {
		return nil, err
	}
	if job.Task.Content == nil || job.Task.Content.URL == "" {
		return nil, tc.unexpected(r, "no task.content.url")
	}
	return tc.fetchResult(ctx, job.Task.Content.URL)
}
