package inference

//go:generate go run ./internal/taskgen -version 0.21.54 -out tasks_gen.go

import (
	"bytes"
	"context"
	"fmt"
)

// Tasks beyond chat, spelled as the Hub spells them.
const (
	TaskAudioClassification         Task = "audio-classification"
	TaskAudioToAudio                Task = "audio-to-audio"
	TaskAutomaticSpeechRecognition  Task = "automatic-speech-recognition"
	TaskDocumentQuestionAnswering   Task = "document-question-answering"
	TaskFeatureExtraction           Task = "feature-extraction"
	TaskFillMask                    Task = "fill-mask"
	TaskImageClassification         Task = "image-classification"
	TaskImageSegmentation           Task = "image-segmentation"
	TaskImageToImage                Task = "image-to-image"
	TaskImageToText                 Task = "image-to-text"
	TaskImageToVideo                Task = "image-to-video"
	TaskImageTextToImage            Task = "image-text-to-image"
	TaskImageTextToVideo            Task = "image-text-to-video"
	TaskObjectDetection             Task = "object-detection"
	TaskQuestionAnswering           Task = "question-answering"
	TaskSentenceSimilarity          Task = "sentence-similarity"
	TaskSummarization               Task = "summarization"
	TaskTableQuestionAnswering      Task = "table-question-answering"
	TaskTabularClassification       Task = "tabular-classification"
	TaskTabularRegression           Task = "tabular-regression"
	TaskTextClassification          Task = "text-classification"
	TaskTextGeneration              Task = "text-generation"
	TaskTextToAudio                 Task = "text-to-audio"
	TaskTextToImage                 Task = "text-to-image"
	TaskTextToSpeech                Task = "text-to-speech"
	TaskTextToVideo                 Task = "text-to-video"
	TaskTokenClassification         Task = "token-classification"
	TaskTranslation                 Task = "translation"
	TaskVisualQuestionAnswering     Task = "visual-question-answering"
	TaskZeroShotClassification      Task = "zero-shot-classification"
	TaskZeroShotImageClassification Task = "zero-shot-image-classification"
)

// taskInput is what a task sends besides its parameters: a JSON "inputs"
// value, a binary input, or both (the binary one then goes inside inputs,
// where the task puts it).
type taskInput struct {
	inputs any
	media  *Media
}

// start resolves the call, loads its binary input and returns it ready to
// send.
func (c *Client) start(ctx context.Context, task Task, in taskInput, params any, opts []CallOption) (*taskCall, error) {
	tc, err := c.newTaskCall(ctx, task, params, opts)
	if err != nil {
		return nil, err
	}
	tc.inputs = in.inputs
	switch m := in.media; {
	case m == nil:
	case isURL(m.url) && tc.target.helper != nil && tc.target.helper.takesURLs:
		tc.media = &mediaData{url: m.url, contentType: m.contentType}
	default:
		d, err := c.load(ctx, *m)
		if err != nil {
			return nil, fmt.Errorf("%w (task %s)", err, task)
		}
		tc.media = d
	}
	return tc, nil
}

// call makes a call and returns the answer with the call, whose
// description errors use.
func (c *Client) call(ctx context.Context, task Task, in taskInput, params any, opts []CallOption) (*taskCall, *rawResponse, error) {
	tc, err := c.start(ctx, task, in, params, opts)
	if err != nil {
		return nil, nil, err
	}
	r, err := tc.do(ctx)
	return tc, r, err
}

// runJSON makes a call whose answer is JSON and decodes it into T.
func runJSON[T any](ctx context.Context, c *Client, task Task, in taskInput, params any, opts []CallOption) (T, error) {
	var out T
	tc, r, err := c.call(ctx, task, in, params, opts)
	if err != nil {
		return out, err
	}
	err = tc.decodeJSON(r, &out)
	return out, err
}

// runList is runJSON for list answers that some servers nest once more
// ([[...]] for a single input): both shapes decode to the inner list.
func runList[T any](ctx context.Context, c *Client, task Task, in taskInput, params any, opts []CallOption) ([]T, error) {
	tc, r, err := c.call(ctx, task, in, params, opts)
	if err != nil {
		return nil, err
	}
	var out []T
	if bytes.HasPrefix(bytes.TrimSpace(r.data), []byte("[[")) {
		var nested [][]T
		if err := tc.decodeJSON(r, &nested); err != nil {
			return nil, err
		}
		if len(nested) > 0 {
			out = nested[0]
		}
		return out, nil
	}
	err = tc.decodeJSON(r, &out)
	return out, err
}

// runOne is runJSON for answers that come as one object or as a list of
// one object ([{...}]): both decode to the object.
func runOne[T any](ctx context.Context, c *Client, task Task, in taskInput, params any, opts []CallOption) (*T, error) {
	tc, r, err := c.call(ctx, task, in, params, opts)
	if err != nil {
		return nil, err
	}
	var out T
	if !bytes.HasPrefix(bytes.TrimSpace(r.data), []byte("[")) {
		if err := tc.decodeJSON(r, &out); err != nil {
			return nil, err
		}
		return &out, nil
	}
	var list []T
	if err := tc.decodeJSON(r, &list); err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, tc.unexpected(r, "empty list")
	}
	return &list[0], nil
}

// runListOrOne is runList for answers that may also be a single object.
func runListOrOne[T any](ctx context.Context, c *Client, task Task, in taskInput, params any, opts []CallOption) ([]T, error) {
	tc, r, err := c.call(ctx, task, in, params, opts)
	if err != nil {
		return nil, err
	}
	if firstByte(r.data) == '{' {
		var one T
		if err := tc.decodeJSON(r, &one); err != nil {
			return nil, err
		}
		return []T{one}, nil
	}
	var out []T
	err = tc.decodeJSON(r, &out)
	return out, err
}

// runBlob makes a call whose answer is binary.
func (c *Client) runBlob(ctx context.Context, task Task, in taskInput, params any, opts []CallOption) (*Blob, error) {
	tc, r, err := c.call(ctx, task, in, params, opts)
	if err != nil {
		return nil, err
	}
	if len(r.data) == 0 {
		return nil, tc.unexpected(r, "empty answer")
	}
	return blobOf(r), nil
}
