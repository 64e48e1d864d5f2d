package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"

	"github.com/tiny-agents-go/tiny-agents/agent"
	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

// session runs the prompts of one `run`.
type session struct {
	agent *agent.Agent
	st    *streams
	view  view
	sig   *signalRouter
	// interactive is true at a terminal prompt: a failed turn is printed
	// and the prompt returns, and a first Ctrl+C only aborts the turn.
	interactive bool
	// verbose prints each prompt's token usage.
	verbose bool
}

// runPrompt runs one prompt. It returns nil when the prompt succeeded, or
// at an interactive prompt once a failure is printed; otherwise the
// failure, printed, which ends the run.
func (s *session) runPrompt(ctx context.Context, prompt string) error {
	turnCtx, cancelTurn := context.WithCancelCause(ctx)
	defer cancelTurn(nil)
	var presses atomic.Int32
	if s.interactive {
		s.sig.onInterrupt(turnInterrupt(s.sig, s.st, cancelTurn, &presses))
		defer s.sig.onInterrupt(nil)
	}
	s.view.prompt(prompt)
	runErr, gone := s.consume(turnCtx, prompt)
	if ctx.Err() != nil { // a signal ends the run
		s.view.endPrompt()
		return context.Cause(ctx)
	}
	if turnCtx.Err() != nil && presses.Load() > 0 {
		s.view.endPrompt() // the turn was aborted at the user's request
		return nil
	}
	if runErr == nil && gone != nil {
		runErr = gone
	}
	if runErr == nil {
		s.view.endPrompt()
		return nil
	}
	err := report(s.st, s.view, runErr)
	s.view.endPrompt()
	if s.interactive {
		return nil
	}
	return err
}

// turnInterrupt is the SIGINT handler of an interactive turn: the first
// press cancels the turn, a second one (while the turn is still ending)
// ends the run.
func turnInterrupt(sig *signalRouter, st *streams, cancelTurn context.CancelCauseFunc, presses *atomic.Int32) func() {
	return func() {
		if presses.Add(1) == 1 {
			cancelTurn(errInterrupted)
			st.notice("Ctrl+C a second time to exit")
			return
		}
		sig.exitOnInterrupt()
	}
}

// consume ranges over the agent's events, shows them, and returns the
// run's error and the error of a server that went away during it.
func (s *session) consume(ctx context.Context, prompt string) (runErr, gone error) {
	for ev, err := range s.agent.Run(ctx, prompt) {
		if err != nil {
			return err, gone
		}
		s.view.event(ev)
		switch e := ev.(type) {
		case *mcpclient.ToolResultEvent:
			if gone == nil && errors.Is(e.Err, mcpclient.ErrServerGone) {
				gone = e.Err
			}
		case *mcpclient.TurnEndEvent:
			if msg := finishNotice(e.FinishReason); msg != "" {
				s.st.notice(msg)
			}
		case *mcpclient.RunEndEvent:
			if e.Reason == mcpclient.StopMaxTurns {
				s.st.notice(fmt.Sprintf("stopped after %s, the limit (--max-turns): the task may not be finished", count(e.Turns, "turn")))
			}
			if s.verbose {
				s.st.notice(usageLine(e))
			}
		}
	}
	return nil, gone
}

// finishNotice is the notice for a completion that the model did not end
// by its own choice (the answer shown may be cut), "" for the others.
func finishNotice(reason string) string {
	switch reason {
	case "length":
		return "the model stopped at its output token limit: the answer may be cut off"
	case "content_filter":
		return "the provider's content filter stopped the answer: it may be cut off"
	}
	return ""
}

// readPiped runs one prompt per line of stdin until end of input (exit
// 0), the first failed prompt, or a signal. markers prints the reference's
// "> " before each prompt.
func (s *session) readPiped(ctx context.Context, markers bool) error {
	lines := make(chan promptLine)
	go readLines(s.st.stdin, lines) // ends with the process: a blocked read of stdin cannot be cancelled
	for {
		if markers {
			s.st.out.print("> ")
			s.st.out.Flush()
		}
		select {
		case l, ok := <-lines:
			if !ok {
				if markers {
					s.st.out.print("\n")
				}
				return nil
			}
			if l.err != nil {
				return l.err
			}
			if strings.TrimSpace(l.text) == "" {
				continue
			}
			if err := s.runPrompt(ctx, l.text); err != nil {
				return err
			}
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
}

// readInteractive reads prompts with the line editor. The terminal is in
// raw mode only while a line is typed (Ctrl+C there is a key, and exits),
// so that Ctrl+C during a turn is a signal.
func (s *session) readInteractive(ctx context.Context, in *os.File, out io.Writer) error {
	s.sig.onInterrupt(nil)
	ed := newLineEditor(in, out)
	for {
		s.st.flush()
		restore, ok := makeRaw(in)
		if !ok {
			s.interactive = false
			s.sig.onInterrupt(s.sig.exitOnInterrupt)
			return s.readPiped(ctx, true)
		}
		line, err := readLineCtx(ctx, ed, "> ")
		restore()
		switch {
		case ctx.Err() != nil:
			fmt.Fprint(out, "\n")
			return context.Cause(ctx)
		case errors.Is(err, io.EOF):
			return nil
		case errors.Is(err, errLineInterrupted):
			return quietInterrupt()
		case err != nil:
			return err
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		if err := s.runPrompt(ctx, line); err != nil {
			return err
		}
	}
}

// readLineCtx is ed.readLine that returns when ctx ends (see untilDone).
func readLineCtx(ctx context.Context, ed *lineEditor, prompt string) (string, error) {
	return untilDone(ctx, func() (string, error) { return ed.readLine(prompt) })
}

// untilDone runs read, a blocking terminal read, and returns its result,
// or ctx's cause as soon as ctx ends; the read then goes on until the
// process exits, as a blocked terminal read cannot be cancelled.
func untilDone(ctx context.Context, read func() (string, error)) (string, error) {
	type result struct {
		line string
		err  error
	}
	done := make(chan result, 1)
	go func() {
		line, err := read()
		done <- result{line, err}
	}()
	select {
	case r := <-done:
		return r.line, r.err
	case <-ctx.Done():
		return "", context.Cause(ctx)
	}
}

// maxPromptLine bounds one piped prompt: far above any model's context,
// low enough that a runaway input cannot take the machine's memory.
const maxPromptLine = 64 << 20

// promptLine is a line of stdin, or the error that ends the input.
type promptLine struct {
	text string
	err  error
}

// readLines sends each line of r, of any length up to maxPromptLine, then
// closes lines at end of input. A longer line, or a read error, is sent as
// an error and ends the input: no prompt is dropped in silence.
func readLines(r io.Reader, lines chan<- promptLine) {
	defer close(lines)
	br := bufio.NewReaderSize(r, 64<<10)
	for n := 1; ; n++ {
		text, err := readLine(br, maxPromptLine)
		if err == io.EOF && text == "" {
			return
		}
		if err != nil && err != io.EOF {
			lines <- promptLine{err: fmt.Errorf("reading prompt %d from stdin: %w", n, err)}
			return
		}
		lines <- promptLine{text: text}
		if err == io.EOF {
			return
		}
	}
}

// errPromptTooLong is a piped prompt over maxPromptLine.
var errPromptTooLong = &usageError{fmt.Errorf("a prompt line is longer than %d MiB; shorten it or put the text in a file the agent can read", maxPromptLine>>20)}

// readLine reads up to the next newline (dropped, with a \r before it) or
// the end of input, failing past limit bytes without keeping them.
func readLine(br *bufio.Reader, limit int) (string, error) {
	var b []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if len(b)+len(chunk) > limit {
			for errors.Is(err, bufio.ErrBufferFull) { // skip the rest of the line
				_, err = br.ReadSlice('\n')
			}
			return "", errPromptTooLong
		}
		b = append(b, chunk...)
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		text := strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r")
		return text, err
	}
}

// askInput asks for an input's value at the terminal, on stderr so that
// stdout keeps only answers. For a password, echo is off before the
// question shows, so that nothing typed ahead is echoed, and the hidden
// entry ends with a newline.
func askInput(ctx context.Context, st *streams) func(agent.Input) (string, error) {
	return func(in agent.Input) (string, error) {
		st.flush()
		if in.Password {
			restore := disableEcho(st.stdin)
			defer restore()
			defer fmt.Fprintln(st.errw)
		}
		fmt.Fprintf(st.errw, "%s: %s (default: the environment variable %s): ", in.ID, in.Description, agent.EnvName(in.ID))
		return readInputLine(ctx, st.stdin)
	}
}

// readInputLine reads one line from the terminal, trimmed, and returns
// early when ctx ends (see untilDone). End of input ends the line.
func readInputLine(ctx context.Context, r io.Reader) (string, error) {
	line, err := untilDone(ctx, func() (string, error) { return readRawLine(r) })
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimSpace(line), nil
}

// readRawLine reads up to a newline one byte at a time, so that nothing
// after the line is taken from r.
func readRawLine(r io.Reader) (string, error) {
	var b strings.Builder
	buf := make([]byte, 1)
	for {
		n, err := r.Read(buf)
		if n == 1 {
			if buf[0] == '\n' {
				return b.String(), nil
			}
			b.WriteByte(buf[0])
		}
		if err != nil {
			return b.String(), err
		}
	}
}

// usageLine says what a prompt cost in tokens.
func usageLine(e *mcpclient.RunEndEvent) string {
	if e.Usage == nil {
		return fmt.Sprintf("usage: not reported by the provider (%s)", count(e.Turns, "turn"))
	}
	return fmt.Sprintf("usage: %d prompt + %d completion = %s over %s",
		e.Usage.PromptTokens, e.Usage.CompletionTokens, count(e.Usage.TotalTokens, "token"), count(e.Turns, "turn"))
}

// count is "1 turn", "2 turns": n and the noun, in the plural unless n is 1.
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
