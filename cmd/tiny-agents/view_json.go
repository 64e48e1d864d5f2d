package main

import (
	"encoding/json"

	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

// jsonView writes one JSON object per line on stdout (--output json). The
// schema is in README.md ("JSON events"); every string passes the redactor.
// Diagnostics still go to stderr.
type jsonView struct {
	s       *streams
	content streamRedactor
	turn    int // model turns of the current prompt
	servers func(tool string) string
}

func newJSONView(s *streams, servers func(string) string) *jsonView {
	return &jsonView{s: s, servers: servers}
}

// The events, in the order a run writes them.
type (
	loadedEvent struct {
		Type string `json:"type"` // "loaded"
		*loadedInfo
	}
	promptEvent struct {
		Type string `json:"type"` // "prompt"
		Text string `json:"text"`
	}
	deltaEvent struct {
		Type    string `json:"type"` // "delta"
		Content string `json:"content"`
	}
	toolCallEvent struct {
		Type      string `json:"type"` // "tool_call"
		ID        string `json:"id"`
		Name      string `json:"name"`
		Server    string `json:"server,omitempty"`
		Arguments string `json:"arguments"`
	}
	toolResultEvent struct {
		Type     string `json:"type"` // "tool_result"
		ID       string `json:"id"`
		Name     string `json:"name"`
		Content  string `json:"content"`
		Bytes    int    `json:"bytes"`
		Error    string `json:"error,omitempty"`
		ExitLoop bool   `json:"exit_loop,omitempty"`
	}
	turnEndEvent struct {
		Type         string           `json:"type"` // "turn_end"
		Turn         int              `json:"turn"`
		FinishReason string           `json:"finish_reason,omitempty"`
		ToolCalls    int              `json:"tool_calls"`
		Usage        *inference.Usage `json:"usage,omitempty"`
	}
	finalEvent struct {
		Type   string           `json:"type"` // "final"
		Answer string           `json:"answer"`
		Stop   string           `json:"stop_reason"`
		Turns  int              `json:"turns"`
		Usage  *inference.Usage `json:"usage,omitempty"`
	}
	errorEvent struct {
		Type     string `json:"type"` // "error"
		Kind     string `json:"kind"`
		Message  string `json:"message"`
		Hint     string `json:"hint,omitempty"`
		Status   int    `json:"status,omitempty"`
		ExitCode int    `json:"exit_code"`
	}
)

func (v *jsonView) write(ev any) {
	b, err := json.Marshal(ev)
	if err != nil { // the events are plain structs: this cannot happen
		b, _ = json.Marshal(errorEvent{Type: "error", Kind: kindOther, Message: err.Error(), ExitCode: exitFailure})
	}
	v.s.out.print(string(b) + "\n")
}

func (v *jsonView) str(s string) string { return v.s.redactor().String(s) }

func (v *jsonView) loaded(info *loadedInfo) {
	v.content.r = v.s.redactor()
	v.write(loadedEvent{Type: "loaded", loadedInfo: info})
	v.s.out.Flush()
}

func (v *jsonView) prompt(text string) {
	v.turn = 0
	v.write(promptEvent{Type: "prompt", Text: v.str(text)})
}

func (v *jsonView) event(ev mcpclient.Event) {
	switch e := ev.(type) {
	case *mcpclient.ChunkEvent:
		if d := firstDelta(&e.Chunk); d != nil && d.Content != "" {
			v.delta(v.content.Write(d.Content))
		}
	case *mcpclient.ToolCallEvent:
		v.delta(v.content.Flush())
		v.write(toolCallEvent{Type: "tool_call", ID: e.Call.ID, Name: e.Call.Function.Name,
			Server: v.servers(e.Call.Function.Name), Arguments: v.str(e.Call.Function.Arguments)})
	case *mcpclient.ToolResultEvent:
		out := toolResultEvent{Type: "tool_result", ID: e.Call.ID, Name: e.Call.Function.Name,
			Content: v.str(e.Message.Content), Bytes: len(e.Result), ExitLoop: e.ExitLoop}
		if e.Err != nil {
			out.Error = v.s.redactor().Diag(plainMessage(e.Err))
		}
		v.write(out)
	case *mcpclient.TurnEndEvent:
		v.delta(v.content.Flush())
		v.turn++
		v.write(turnEndEvent{Type: "turn_end", Turn: v.turn, FinishReason: e.FinishReason, ToolCalls: e.ToolCalls, Usage: e.Usage})
	case *mcpclient.RunEndEvent:
		v.write(finalEvent{Type: "final", Answer: v.str(e.Answer), Stop: string(e.Reason), Turns: e.Turns, Usage: e.Usage})
	}
}

func (v *jsonView) delta(s string) {
	if s != "" {
		v.write(deltaEvent{Type: "delta", Content: s})
	}
}

func (v *jsonView) failed(f failure) {
	v.delta(v.content.Flush())
	red := v.s.redactor()
	v.write(errorEvent{Type: "error", Kind: f.kind, Message: red.Diag(f.msg), Hint: red.Diag(f.hint),
		Status: f.statusCode, ExitCode: f.code})
	v.s.out.Flush()
}

func (v *jsonView) endPrompt() {
	v.delta(v.content.Flush())
	v.s.flush()
}
