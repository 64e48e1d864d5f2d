package inference

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strconv"
	"strings"
)

// This file holds what several providers share for the tasks they serve
// in the OpenAI style: text generation at a completions endpoint,
// embeddings, image generation answering base64 or a URL, and speech.

// compatRoute is a route that does not depend on the model id.
func compatRoute(path string) func(string) string {
	return func(string) string { return path }
}

// compatParams copies the call's parameters, renaming the keys of rename
// (old name -> new name) and leaving out the keys of drop. The call's own
// map is not modified.
func compatParams(tc *taskCall, rename map[string]string, drop ...string) map[string]any {
	out := make(map[string]any, len(tc.params))
	for k, v := range tc.params {
		if n, ok := rename[k]; ok {
			k = n
		}
		out[k] = v
	}
	for _, k := range drop {
		delete(out, k)
	}
	return out
}

// compatBody encodes the parameters, then the fields the provider fixes
// (the prompt, the model id...), which win over them, then the ExtraBody
// fields, which win over both.
func compatBody(tc *taskCall, params, fixed map[string]any) (*taskBody, error) {
	body := make(map[string]any, len(params)+len(fixed)+len(tc.extra))
	maps.Copy(body, params)
	maps.Copy(body, fixed)
	maps.Copy(body, tc.extra)
	return jsonBody(body)
}

// compatSize replaces width and height in params by the "WxH" size the
// OpenAI image API takes, when both are there; when only one is, it stays.
func compatSize(params map[string]any) {
	w, okW := params["width"]
	h, okH := params["height"]
	if okW && okH {
		params["size"] = fmt.Sprintf("%v", w) + "x" + fmt.Sprintf("%v", h)
		delete(params, "width")
		delete(params, "height")
	}
}

// compatCompletions is the text-generation helper of a provider serving
// the OpenAI completions API at path: the prompt, the TGI parameters (with
// max_new_tokens renamed max_tokens when maxTokens is set), the model id
// and whether to stream. The answer's first choice becomes the TGI shape.
func compatCompletions(path string, maxTokens bool) *taskHelper {
	var rename map[string]string
	if maxTokens {
		rename = map[string]string{"max_new_tokens": "max_tokens"}
	}
	return &taskHelper{
		route: compatRoute(path),
		body: func(tc *taskCall) (*taskBody, error) {
			fixed := map[string]any{"prompt": tc.inputs, "model": tc.target.model, "stream": tc.stream}
			return compatBody(tc, compatParams(tc, rename), fixed)
		},
		response: compatCompletionsResponse,
	}
}

// compatChatGeneration is the text-generation helper of a provider that
// serves text generation only at its OpenAI chat completions endpoint at
// path: the prompt becomes one user message, the TGI parameters follow
// (max_new_tokens renamed max_tokens), and the answer's first message (or
// the stream's deltas) is the generated text.
func compatChatGeneration(path string) *taskHelper {
	return &taskHelper{
		route: compatRoute(path),
		body: func(tc *taskCall) (*taskBody, error) {
			fixed := map[string]any{
				"model":    tc.target.model,
				"messages": []map[string]any{{"role": RoleUser, "content": tc.inputs}},
				"stream":   tc.stream,
			}
			return compatBody(tc, compatParams(tc, map[string]string{"max_new_tokens": "max_tokens"}), fixed)
		},
		response: compatCompletionsResponse,
	}
}

// compatCompletionsResponse turns the first choice of a completions (or
// chat completions) answer into the TGI shape {"generated_text",
// "details": {"finish_reason", "seed"}}. A TGI error answer passes through
// for TextGeneration to report.
func compatCompletionsResponse(_ context.Context, tc *taskCall, r *rawResponse) (*rawResponse, error) {
	if tgiError(r.data) != nil {
		return r, nil
	}
	var wire struct {
		Choices []struct {
			Text    *string `json:"text"`
			Message *struct {
				Content *string `json:"content"`
			} `json:"message"`
			FinishReason string      `json:"finish_reason"`
			Seed         json.Number `json:"seed"`
		} `json:"choices"`
	}
	if err := tc.decodeJSON(r, &wire); err != nil {
		return nil, err
	}
	if len(wire.Choices) == 0 {
		return nil, tc.unexpected(r, "no choices")
	}
	c := wire.Choices[0]
	text := c.Text
	if text == nil && c.Message != nil {
		text = c.Message.Content
	}
	if text == nil {
		return nil, tc.unexpected(r, "the first choice has no text")
	}
	details := &TextGenerationOutputDetails{FinishReason: TextGenerationOutputFinishReason(c.FinishReason)}
	if seed, err := strconv.Atoi(c.Seed.String()); err == nil {
		details.Seed = &seed
	}
	return jsonResult(TextGenerationOutput{GeneratedText: *text, Details: details})
}

// compatEmbeddings is the feature-extraction helper of a provider serving
// the OpenAI embeddings API at path: {"input", parameters, "model"}. Unless
// withParams, only the OpenAI API's own parameters (dimensions,
// encoding_format) are sent, not Text Embeddings Inference's.
// FeatureExtraction reads the OpenAI answer itself.
func compatEmbeddings(path string, withParams bool) *taskHelper {
	return &taskHelper{
		route: compatRoute(path),
		body: func(tc *taskCall) (*taskBody, error) {
			params := compatParams(tc, nil)
			if !withParams {
				for k := range params {
					if k != "dimensions" && k != "encoding_format" {
						delete(params, k)
					}
				}
			}
			return compatBody(tc, params, map[string]any{"input": tc.inputs, "model": tc.target.model})
		},
	}
}

// compatSpeech is the text-to-speech helper of a provider serving the
// OpenAI speech API at path: {"input", parameters, "model"}, answered with
// the sound itself.
func compatSpeech(path string) *taskHelper {
	return &taskHelper{
		route: compatRoute(path),
		body: func(tc *taskCall) (*taskBody, error) {
			return compatBody(tc, compatParams(tc, nil), map[string]any{"input": tc.inputs, "model": tc.target.model})
		},
		response: compatAudioResponse,
	}
}

// compatAudioResponse accepts a sound and refuses a JSON answer, which a
// speech endpoint sends only when something went wrong.
func compatAudioResponse(_ context.Context, tc *taskCall, r *rawResponse) (*rawResponse, error) {
	ct := strings.ToLower(r.contentType)
	if strings.Contains(ct, "json") || (ct == "" && (firstByte(r.data) == '{' || firstByte(r.data) == '[')) {
		return nil, tc.unexpected(r, "JSON instead of a sound")
	}
	return r, nil
}

// compatImagesResponse reads the first image of an OpenAI images answer,
// {"data": [{"b64_json": ...}]} or {"data": [{"url": ...}]}, decoding the
// base64 or downloading the URL.
func compatImagesResponse(ctx context.Context, tc *taskCall, r *rawResponse) (*rawResponse, error) {
	var wire struct {
		Data []struct {
			B64JSON string `json:"b64_json"`
			URL     string `json:"url"`
		} `json:"data"`
	}
	if err := tc.decodeJSON(r, &wire); err != nil {
		return nil, err
	}
	if len(wire.Data) == 0 {
		return nil, tc.unexpected(r, "no image in data")
	}
	switch d := wire.Data[0]; {
	case d.B64JSON != "":
		return compatDecodeMedia(tc, r, d.B64JSON)
	case d.URL != "":
		return tc.fetchResult(ctx, d.URL)
	}
	return nil, tc.unexpected(r, "the first image has neither b64_json nor url")
}

// compatDecodeMedia decodes a base64 result (optionally a data URL) found
// in the answer r, sniffing its content type.
func compatDecodeMedia(tc *taskCall, r *rawResponse, s string) (*rawResponse, error) {
	b, err := decodeBase64Media(s)
	if err != nil {
		return nil, &ResponseError{Task: tc.task, Provider: tc.target.name(), Body: truncate(r.data, 200), Err: fmt.Errorf("result is not base64: %w", err)}
	}
	if len(b) == 0 {
		return nil, tc.unexpected(r, "empty result")
	}
	return &rawResponse{data: b, contentType: sniff(b)}, nil
}
