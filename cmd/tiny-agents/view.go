package main

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

// view renders one run: the three renderers (interactive or piped text,
// the -p answer, --output json) are views of the same events.
type view interface {
	// loaded shows the agent once its servers are connected.
	loaded(info *loadedInfo)
	// prompt is called when a prompt starts.
	prompt(text string)
	// event shows one event of the agent.
	event(ev mcpclient.Event)
	// failed shows a failure (a turn that failed, or the run).
	failed(f failure)
	// endPrompt is called when a prompt's run is over, whatever happened.
	endPrompt()
}

// loadedInfo describes the agent that runs.
type loadedInfo struct {
	Agent    string     `json:"agent"`
	Model    string     `json:"model"`
	Provider string     `json:"provider,omitempty"`
	Endpoint string     `json:"endpoint,omitempty"`
	Tools    []toolInfo `json:"tools"`

	servers []mcpclient.ServerConfig // as connected, for `auth login`
}

type toolInfo struct {
	Name        string `json:"name"`
	Server      string `json:"server"`
	Description string `json:"-"`
}

// textView is the text renderer. Interactive and piped runs print
// everything on stdout with the reference's markers ("Agent loaded with N
// tools:", "Tool[name] id"); with -p (answerOnly) stdout carries only the
// answer and the rest goes to stderr.
type textView struct {
	s          *streams
	answer     *printer // the model's text
	trail      *printer // the banner, the tool list, the tool trail
	answerOnly bool

	content   streamRedactor
	calls     streamRedactor // the streamed tool calls: a secret may span two argument deltas
	lastByte  byte           // the last byte written to answer, 0 if none
	trailMid  bool           // the trail (on stderr with -p) does not end a line
	turnText  bool           // this turn has written text
	needBreak bool           // a previous turn wrote text: start the next on a new line
}

func newTextView(s *streams, answerOnly bool) *textView {
	v := &textView{s: s, answer: s.out, trail: s.out, answerOnly: answerOnly}
	if answerOnly {
		v.trail = s.errOut
	}
	v.content.r = s.redactor()
	v.calls.r = v.content.r
	return v
}

func (v *textView) loaded(info *loadedInfo) {
	v.content.r = v.s.redactor()
	v.calls.r = v.content.r
	names := make([]string, len(info.Tools))
	for i, t := range info.Tools {
		names[i] = "- " + t.Name
	}
	v.trail.colored(ansiBlue, fmt.Sprintf("Agent loaded with %d tools:\n%s", len(info.Tools), strings.Join(names, "\n")))
	v.trail.print("\n")
	v.trail.Flush()
}

func (v *textView) prompt(string) {}

func (v *textView) event(ev mcpclient.Event) {
	switch e := ev.(type) {
	case *mcpclient.ChunkEvent:
		d := firstDelta(&e.Chunk)
		if d == nil {
			return
		}
		if d.Content != "" {
			v.text(d.Content)
		}
		if len(d.ToolCalls) > 0 {
			v.toolCallDelta(d.ToolCalls)
		}
	case *mcpclient.ToolResultEvent:
		v.flushText()
		v.flushCalls()
		v.trail.print("\n\n")
		v.trail.colored(ansiGreen, fmt.Sprintf("Tool[%s] %s\n%s", e.Message.Name, e.Message.ToolCallID,
			v.s.redactor().String(shortResult(e.Message.Content))))
		v.trail.print("\n\n")
		v.trail.Flush()
		v.trailMid = false
		if v.trail == v.answer {
			v.lastByte = '\n'
		}
	case *mcpclient.TurnEndEvent:
		v.flushText()
		v.flushCalls()
		if v.turnText {
			v.needBreak = true
		}
		v.turnText = false
	}
}

// text prints a piece of the answer.
func (v *textView) text(piece string) {
	if v.answerOnly && v.needBreak && !v.turnText && v.lastByte != '\n' && v.lastByte != 0 {
		v.answer.print("\n")
		v.lastByte = '\n'
	}
	v.turnText = true
	v.writeAnswer(v.content.Write(piece))
}

func (v *textView) writeAnswer(s string) {
	if s == "" {
		return
	}
	v.answer.print(s)
	v.lastByte = s[len(s)-1]
}

func (v *textView) flushText() { v.writeAnswer(v.content.Flush()) }

// toolCallDelta shows tool calls as they stream, as the references do.
func (v *textView) toolCallDelta(calls []inference.ToolCallDelta) {
	if v.trail == v.answer {
		v.flushText()
	}
	var b strings.Builder
	for _, tc := range calls {
		if tc.ID != "" {
			b.WriteString("<Tool " + tc.ID + ">\n")
		}
		if tc.Function.Name != "" {
			b.WriteString(tc.Function.Name + " ")
		}
		b.WriteString(tc.Function.Arguments)
	}
	v.writeCalls(v.calls.Write(b.String()))
}

// flushCalls prints what the tool-call redactor holds back.
func (v *textView) flushCalls() { v.writeCalls(v.calls.Flush()) }

func (v *textView) writeCalls(s string) {
	if s == "" {
		return
	}
	v.trail.colored(ansiGray, s)
	if v.trail == v.answer {
		v.lastByte = s[len(s)-1]
	} else {
		v.trailMid = s[len(s)-1] != '\n'
	}
}

// failed prints what is held back and ends the line, so that the error
// that follows starts a line of its own.
func (v *textView) failed(failure) {
	v.flushText()
	v.flushCalls()
	if v.lastByte != '\n' && v.lastByte != 0 {
		v.answer.print("\n")
		v.lastByte = '\n'
	}
	if v.trailMid {
		v.trail.print("\n")
		v.trailMid = false
	}
	v.s.flush()
}

func (v *textView) endPrompt() {
	v.flushText()
	v.flushCalls()
	if v.answerOnly {
		if v.lastByte != '\n' && v.lastByte != 0 {
			v.answer.print("\n")
		}
		v.lastByte, v.needBreak, v.turnText = 0, false, false
	} else {
		v.answer.print("\n")
	}
	v.s.flush()
}

// A tool result is shown at the terminal up to these bounds; the model
// gets more (see mcpclient's tool result limit).
const (
	shownResultLines = 20
	shownResultBytes = 4 << 10
)

// shortResult is the first lines of a long tool result and a count of the
// rest.
func shortResult(s string) string {
	cut := len(s)
	if n := strings.Count(s, "\n"); n >= shownResultLines {
		cut = nthIndex(s, '\n', shownResultLines-1)
	}
	if cut > shownResultBytes {
		cut = shownResultBytes
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
	}
	if cut >= len(s) {
		return s
	}
	shown, rest := s[:cut], strings.TrimPrefix(s[cut:], "\n")
	lines := strings.Count(rest, "\n")
	if !strings.HasSuffix(rest, "\n") {
		lines++
	}
	return fmt.Sprintf("%s\n[... %d more lines, %d bytes, not shown]", shown, lines, len(rest))
}

// nthIndex is the index of the n-th (0-based) occurrence of c in s.
func nthIndex(s string, c byte, n int) int {
	i := -1
	for range n + 1 {
		j := strings.IndexByte(s[i+1:], c)
		if j < 0 {
			return len(s)
		}
		i += j + 1
	}
	return i
}

// firstDelta is the delta of choice 0, the one the conversation keeps
// (see inference.ChatCompletionAccumulator.Message), or nil: a chunk may
// list choices in any order, or only others.
func firstDelta(c *inference.ChatCompletionStreamOutput) *inference.StreamDelta {
	for i := range c.Choices {
		if c.Choices[i].Index == 0 {
			return &c.Choices[i].Delta
		}
	}
	return nil
}
