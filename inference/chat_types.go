package inference

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
)

// Message roles.
const (
	RoleSystem    = "system"
	RoleUser      = "user"
	RoleAssistant = "assistant"
	RoleTool      = "tool"
)

// Ptr returns a pointer to v, for the optional numeric fields of
// [ChatCompletionInput]: Temperature: inference.Ptr(0.2).
func Ptr[T any](v T) *T { return &v }

// ChatCompletionInput is a chat completion request in the OpenAI wire format.
// Nil pointers and empty slices are left out of the request.
type ChatCompletionInput struct {
	// Model overrides the client's model for this call: a Hub id (with an
	// optional ":provider" suffix for the router) or, with a URL client, the
	// model name the endpoint expects.
	Model string `json:"model,omitempty"`
	// Provider overrides the client's provider for this call: "auto" or
	// one of [Providers]. It is never sent.
	Provider         string             `json:"-"`
	Messages         []ChatMessage      `json:"messages"`
	FrequencyPenalty *float64           `json:"frequency_penalty,omitempty"`
	LogitBias        map[string]float64 `json:"logit_bias,omitempty"`
	Logprobs         *bool              `json:"logprobs,omitempty"`
	MaxTokens        *int               `json:"max_tokens,omitempty"`
	N                *int               `json:"n,omitempty"`
	PresencePenalty  *float64           `json:"presence_penalty,omitempty"`
	ResponseFormat   *ResponseFormat    `json:"response_format,omitempty"`
	Seed             *int64             `json:"seed,omitempty"`
	Stop             []string           `json:"stop,omitempty"`
	StreamOptions    *StreamOptions     `json:"stream_options,omitempty"`
	Temperature      *float64           `json:"temperature,omitempty"`
	ToolChoice       *ToolChoice        `json:"tool_choice,omitempty"`
	ToolPrompt       string             `json:"tool_prompt,omitempty"`
	Tools            []Tool             `json:"tools,omitempty"`
	TopLogprobs      *int               `json:"top_logprobs,omitempty"`
	TopP             *float64           `json:"top_p,omitempty"`
	// ExtraBody is merged into the request body last, recursively for
	// objects, so it can add fields the struct lacks or override any field.
	ExtraBody map[string]any `json:"-"`
}

// ChatMessage is one message of a conversation, as sent and as received.
// Content is plain text; Parts, when non-nil, replaces it with a list of
// parts (text, images, sounds, files).
type ChatMessage struct {
	Role       string        `json:"role"`
	Content    string        `json:"-"`
	Parts      []ContentPart `json:"-"`
	Name       string        `json:"name,omitempty"`
	ToolCalls  []ToolCall    `json:"tool_calls,omitempty"`
	ToolCallID string        `json:"tool_call_id,omitempty"`
	// Reasoning is the model's reasoning text where a provider returns it
	// (reasoning_content or reasoning on the wire); it is never sent.
	Reasoning string `json:"-"`
}

// ContentPart is one part of a multi-part message: text, an image, a
// sound or a file, in the OpenAI wire shapes. Which kinds a model takes
// depends on the model and the provider.
type ContentPart struct {
	Type       string      `json:"type"` // "text", "image_url", "input_audio" or "file"
	Text       string      `json:"text,omitempty"`
	ImageURL   *ImageURL   `json:"image_url,omitempty"`
	InputAudio *InputAudio `json:"input_audio,omitempty"`
	File       *FileInput  `json:"file,omitempty"`
}

// MarshalJSON writes a text part's "text" even when it is empty: OpenAI
// and Text Generation Inference refuse a text part without it.
func (p ContentPart) MarshalJSON() ([]byte, error) {
	type plain ContentPart
	if p.Type == "text" && p.Text == "" {
		return []byte(`{"type":"text","text":""}`), nil
	}
	return json.Marshal(plain(p))
}

// ImageURL points at an image: an http(s) URL or a data: URL.
type ImageURL struct {
	URL    string `json:"url"`
	Detail string `json:"detail,omitempty"`
}

// InputAudio is a sound sent inline: its bytes in standard base64 and
// its format ("wav", "mp3", ...).
type InputAudio struct {
	Data   string `json:"data"`
	Format string `json:"format"`
}

// FileInput is a document sent with a message: inline as a data: URL in
// FileData (with its Filename), or by the FileID of an upload the
// provider keeps.
type FileInput struct {
	FileData string `json:"file_data,omitempty"`
	FileID   string `json:"file_id,omitempty"`
	Filename string `json:"filename,omitempty"`
}

// TextPart returns a text content part.
func TextPart(text string) ContentPart { return ContentPart{Type: "text", Text: text} }

// ImagePart returns an image content part for an http(s) or data: URL.
func ImagePart(url string) ContentPart {
	return ContentPart{Type: "image_url", ImageURL: &ImageURL{URL: url}}
}

// AudioPart returns a sound content part: data in base64, format as the
// OpenAI API names it ("wav", "mp3").
func AudioPart(data []byte, format string) ContentPart {
	return ContentPart{Type: "input_audio", InputAudio: &InputAudio{Data: base64.StdEncoding.EncodeToString(data), Format: format}}
}

// FilePart returns a file content part carrying data inline as a base64
// data: URL of type contentType (such as "application/pdf"), named
// filename.
func FilePart(filename, contentType string, data []byte) ContentPart {
	url := "data:" + contentType + ";base64," + base64.StdEncoding.EncodeToString(data)
	return ContentPart{Type: "file", File: &FileInput{FileData: url, Filename: filename}}
}

type chatMessageWire struct {
	Role             string          `json:"role"`
	Content          json.RawMessage `json:"content,omitempty"`
	Name             string          `json:"name,omitempty"`
	ToolCalls        []ToolCall      `json:"tool_calls,omitempty"`
	ToolCallID       string          `json:"tool_call_id,omitempty"`
	ReasoningContent string          `json:"reasoning_content,omitempty"`
	Reasoning        string          `json:"reasoning,omitempty"`
}

// MarshalJSON writes content as a string, or as a list when Parts is set. An
// assistant message with only tool calls is sent with "content": "", which
// OpenAI-compatible servers accept where some reject null.
func (m ChatMessage) MarshalJSON() ([]byte, error) { return appendMessage(nil, &m) }

// UnmarshalJSON reads content given as a string, null, or a list of parts.
func (m *ChatMessage) UnmarshalJSON(b []byte) error {
	var w chatMessageWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*m = ChatMessage{Role: w.Role, Name: w.Name, ToolCalls: w.ToolCalls, ToolCallID: w.ToolCallID,
		Reasoning: firstNonEmpty(w.ReasoningContent, w.Reasoning)}
	c := bytes.TrimSpace(w.Content)
	switch {
	case len(c) == 0 || string(c) == "null":
	case c[0] == '"':
		return json.Unmarshal(c, &m.Content)
	case c[0] == '[':
		return json.Unmarshal(c, &m.Parts)
	default:
		return fmt.Errorf("inference: message content must be a string or a list of parts, got %.40s", c)
	}
	return nil
}

// Tool declares a function the model may call.
type Tool struct {
	Type     string             `json:"type"` // always "function"
	Function FunctionDefinition `json:"function"`
}

// FunctionDefinition is the name, description and JSON Schema of a tool's
// arguments.
type FunctionDefinition struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// Parameters is the JSON Schema of the arguments: a map, a struct or a
	// json.RawMessage.
	Parameters any   `json:"parameters,omitempty"`
	Strict     *bool `json:"strict,omitempty"`
}

// ToolCall is a call the model asked for.
type ToolCall struct {
	ID       string       `json:"id"`
	Type     string       `json:"type"` // "function"
	Function FunctionCall `json:"function"`
}

// FunctionCall names the function and carries its arguments as JSON text.
type FunctionCall struct {
	Name      string `json:"name,omitempty"`
	Arguments string `json:"arguments"`
}

// UnmarshalJSON accepts arguments as a JSON string (OpenAI) or as a JSON
// object (Text Generation Inference), keeping the object's text.
func (f *FunctionCall) UnmarshalJSON(b []byte) error {
	var w struct {
		Name      string          `json:"name"`
		Arguments json.RawMessage `json:"arguments"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	f.Name = w.Name
	f.Arguments = ""
	a := bytes.TrimSpace(w.Arguments)
	switch {
	case len(a) == 0 || string(a) == "null":
	case a[0] == '"':
		return json.Unmarshal(a, &f.Arguments)
	default:
		f.Arguments = string(a)
	}
	return nil
}

// Tool choice modes for [ToolChoice].
const (
	ToolChoiceAuto     = "auto"
	ToolChoiceNone     = "none"
	ToolChoiceRequired = "required"
)

// ToolChoice is "auto", "none", "required", or one named function.
type ToolChoice struct {
	Mode     string // one of the ToolChoice* modes, when Function is empty
	Function string // forces a call to this function
}

// MarshalJSON writes the mode as a string or the function as an object.
func (t ToolChoice) MarshalJSON() ([]byte, error) {
	if t.Function != "" {
		return json.Marshal(map[string]any{"type": "function", "function": map[string]string{"name": t.Function}})
	}
	return json.Marshal(t.Mode)
}

// UnmarshalJSON reads either wire form.
func (t *ToolChoice) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		*t = ToolChoice{}
		return json.Unmarshal(b, &t.Mode)
	}
	var w struct {
		Function struct {
			Name string `json:"name"`
		} `json:"function"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*t = ToolChoice{Function: w.Function.Name}
	return nil
}

// ResponseFormat constrains the output: {"type":"json_object"} or
// {"type":"json_schema","json_schema":{...}}. Providers that spell it
// differently get it translated.
type ResponseFormat struct {
	Type       string      `json:"type"` // "text", "json_object" or "json_schema"
	JSONSchema *JSONSchema `json:"json_schema,omitempty"`
	// Value carries a Text Generation Inference grammar ({"type":"json" or
	// "regex","value":...}).
	Value any `json:"value,omitempty"`
}

// JSONSchema names a schema the output must follow.
type JSONSchema struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Schema      any    `json:"schema,omitempty"`
	Strict      *bool  `json:"strict,omitempty"`
}

// StreamOptions tunes a streamed response.
type StreamOptions struct {
	IncludeUsage bool `json:"include_usage"`
}

// ChatCompletionOutput is a complete (non-streamed) chat completion.
type ChatCompletionOutput struct {
	ID                string                       `json:"id"`
	Object            string                       `json:"object"`
	Created           int64                        `json:"created"`
	Model             string                       `json:"model"`
	SystemFingerprint string                       `json:"system_fingerprint,omitempty"`
	Choices           []ChatCompletionOutputChoice `json:"choices"`
	Usage             *Usage                       `json:"usage,omitempty"`
}

// ChatCompletionOutputChoice is one generated message.
type ChatCompletionOutputChoice struct {
	Index        int         `json:"index"`
	Message      ChatMessage `json:"message"`
	FinishReason string      `json:"finish_reason"`
	Logprobs     *Logprobs   `json:"logprobs,omitempty"`
}

// Usage counts the tokens of a request.
type Usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

// Logprobs holds the log probabilities of the generated tokens.
type Logprobs struct {
	Content []TokenLogprob `json:"content"`
}

// TokenLogprob is one generated token with its log probability and the most
// likely alternatives.
type TokenLogprob struct {
	Token       string       `json:"token"`
	Logprob     float64      `json:"logprob"`
	Bytes       []int        `json:"bytes,omitempty"`
	TopLogprobs []TopLogprob `json:"top_logprobs,omitempty"`
}

// TopLogprob is one alternative token.
type TopLogprob struct {
	Token   string  `json:"token"`
	Logprob float64 `json:"logprob"`
	Bytes   []int   `json:"bytes,omitempty"`
}

// ChatCompletionStreamOutput is one chunk of a streamed chat completion.
type ChatCompletionStreamOutput struct {
	ID                string                             `json:"id"`
	Object            string                             `json:"object"`
	Created           int64                              `json:"created"`
	Model             string                             `json:"model"`
	SystemFingerprint string                             `json:"system_fingerprint,omitempty"`
	Choices           []ChatCompletionStreamOutputChoice `json:"choices"`
	// Usage is set on the last chunk by servers that report it (OpenAI
	// sends it when StreamOptions.IncludeUsage is set, in a chunk with no
	// choices).
	Usage *Usage `json:"usage,omitempty"`
	// Raw is the chunk's JSON as the server sent it, for a caller that
	// passes chunks on unchanged (a proxy need not encode them again). It
	// is "" for chunks that were not read from a stream.
	Raw string `json:"-"`
}

// ChatCompletionStreamOutputChoice is the delta of one choice.
type ChatCompletionStreamOutputChoice struct {
	Index        int         `json:"index"`
	Delta        StreamDelta `json:"delta"`
	FinishReason string      `json:"finish_reason,omitempty"`
	Logprobs     *Logprobs   `json:"logprobs,omitempty"`
}

// StreamDelta is the new part of a message.
type StreamDelta struct {
	Role      string          `json:"role,omitempty"`
	Content   string          `json:"content,omitempty"`
	ToolCalls []ToolCallDelta `json:"tool_calls,omitempty"`
	// Reasoning is reasoning_content or reasoning, where a provider sends it.
	Reasoning string `json:"reasoning,omitempty"`
}

// ToolCallDelta is a piece of a tool call: the first piece of a call carries
// its Index, ID and name, later pieces the same Index and more arguments.
type ToolCallDelta struct {
	Index    int          `json:"index"`
	ID       string       `json:"id,omitempty"`
	Type     string       `json:"type,omitempty"`
	Function FunctionCall `json:"function"`
}
