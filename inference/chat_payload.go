package inference

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// chatPayload is a chat request on its way to the wire, with the provider's
// adjustments.
type chatPayload struct {
	in     *ChatCompletionInput
	model  string // the model id the provider expects
	stream bool
	// responseFormat, when set, replaces in.ResponseFormat on the wire.
	responseFormat any
	// extra holds provider additions, merged before the caller's ExtraBody.
	extra map[string]any
}

// chatWire is the request body. Its model and response_format shadow the
// embedded input's, and model comes first so that a router can pick the
// provider from the first bytes of a body that may hold megabytes of images.
type chatWire struct {
	Model string `json:"model"`
	// Messages shadows the input's and stays nil: marshal splices the
	// messages in, encoded by appendMessages.
	Messages *struct{} `json:"messages,omitempty"`
	*ChatCompletionInput
	ResponseFormat any  `json:"response_format,omitempty"`
	Stream         bool `json:"stream"`
}

// jsonSchema returns the schema of a json_schema response format.
func (p *chatPayload) jsonSchema() (any, bool) {
	rf := p.in.ResponseFormat
	if rf == nil || rf.Type != "json_schema" || rf.JSONSchema == nil || rf.JSONSchema.Schema == nil {
		return nil, false
	}
	return rf.JSONSchema.Schema, true
}

// marshal encodes the payload, merging provider extras and then the
// caller's ExtraBody.
func (p *chatPayload) marshal() ([]byte, error) {
	w := chatWire{Model: p.model, ChatCompletionInput: p.in, ResponseFormat: p.responseFormat, Stream: p.stream}
	if w.ResponseFormat == nil && p.in.ResponseFormat != nil {
		w.ResponseFormat = p.in.ResponseFormat
	}
	params, err := json.Marshal(w)
	if err != nil {
		return nil, err
	}
	// params is {"model":"M",...}: put the messages right after the model.
	head := endOfString(params, len(`{"model":`))
	if head < 0 || head >= len(params) || (params[head] != ',' && params[head] != '}') {
		return nil, fmt.Errorf("inference: unexpected encoding of the model name in %.60s", params)
	}
	body := make([]byte, 0, len(params)+encodedSize(p.in.Messages))
	body = append(body, params[:head]...)
	body = append(body, `,"messages":`...)
	if body, err = appendMessages(body, p.in.Messages); err != nil {
		return nil, err
	}
	body = append(body, params[head:]...)
	if len(p.extra) == 0 && len(p.in.ExtraBody) == 0 {
		return body, nil
	}
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	merged := mergeObjects(mergeObjects(m, p.extra), p.in.ExtraBody)
	return marshalModelFirst(merged)
}

// encodedSize estimates the encoded size of messages, so that the body is
// allocated once.
func encodedSize(msgs []ChatMessage) int {
	n := 32
	for i := range msgs {
		m := &msgs[i]
		n += 64 + len(m.Content) + len(m.Name) + len(m.ToolCallID)
		for _, tc := range m.ToolCalls {
			n += 80 + len(tc.ID) + len(tc.Function.Name) + len(tc.Function.Arguments)*5/4
		}
		if m.Parts != nil {
			for _, p := range m.Parts {
				n += 48 + len(p.Text)
				if p.ImageURL != nil {
					n += len(p.ImageURL.URL)
				}
				if p.InputAudio != nil {
					n += len(p.InputAudio.Data)
				}
				if p.File != nil {
					n += len(p.File.FileData) + len(p.File.Filename)
				}
			}
		}
	}
	return n
}

// endOfString returns the index just after the JSON string starting at
// b[i], or -1.
func endOfString(b []byte, i int) int {
	if i >= len(b) || b[i] != '"' {
		return -1
	}
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

// mergeObjects returns dst with src merged in: objects merge recursively,
// anything else in src replaces what dst holds.
func mergeObjects(dst, src map[string]any) map[string]any {
	for k, v := range src {
		sv, srcObj := v.(map[string]any)
		dv, dstObj := dst[k].(map[string]any)
		if srcObj && dstObj {
			dst[k] = mergeObjects(dv, sv)
			continue
		}
		dst[k] = v
	}
	return dst
}

// marshalModelFirst encodes m with "model" as the first key and the others
// sorted.
func marshalModelFirst(m map[string]any) ([]byte, error) {
	keys := make([]string, 0, len(m))
	for k := range m {
		if k != "model" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	if _, ok := m["model"]; ok {
		keys = append([]string{"model"}, keys...)
	}
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		vb, err := json.Marshal(m[k])
		if err != nil {
			return nil, err
		}
		b.Write(kb)
		b.WriteByte(':')
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// chatCompletionURL appends the chat completions path to an endpoint URL
// the way the Python reference does: nothing if it already ends in
// /chat/completions, "/chat/completions" after /v1, "/v1/chat/completions"
// otherwise. The query string is kept.
func chatCompletionURL(endpoint string) string {
	u, err := url.Parse(strings.TrimSpace(endpoint))
	if err != nil {
		return endpoint
	}
	path := strings.TrimRight(u.Path, "/")
	switch {
	case strings.HasSuffix(path, "/chat/completions"):
		return endpoint
	case strings.HasSuffix(path, "/v1"):
		u.Path = path + "/chat/completions"
	default:
		u.Path = path + "/v1/chat/completions"
	}
	u.RawPath = ""
	return u.String()
}
