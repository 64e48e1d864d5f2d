package inference

import (
	"bufio"
	"errors"
	"fmt"
	"io"

	"github.com/tmaxmax/go-sse"
)

// maxEventSize bounds one SSE event. go-sse's 64 KiB default is too small
// for chunks that carry whole tool-call arguments or images.
const maxEventSize = 16 << 20

// errStopped reports that the consumer stopped ranging; it never reaches the
// caller.
var errStopped = errors.New("inference: consumer stopped")

var sseConfig = &sse.ReadConfig{MaxEventSize: maxEventSize}

// sseError names the limit when an event is too long, where the SSE
// reader says only "bufio.Scanner: token too long".
func sseError(err error) error {
	if errors.Is(err, bufio.ErrTooLong) {
		return eventTooLarge()
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		// A chunked body cut off, as a body cut between events reads.
		return fmt.Errorf("stream ended before [DONE] or a finish reason: %w", err)
	}
	return err
}

// eachEvent calls fn for each event of an SSE stream that carries data,
// until a [DONE] event (done is then true), the end of the body, or an
// error from the reader or from fn, which it returns.
func eachEvent(r io.Reader, fn func(ev sse.Event) error) (done bool, err error) {
	for ev, err := range sse.Read(r, sseConfig) {
		if err != nil {
			return false, sseError(err)
		}
		if ev.Data == "" {
			continue
		}
		if ev.Data == "[DONE]" {
			return true, nil
		}
		if err := fn(ev); err != nil {
			return false, err
		}
	}
	return false, nil
}

// readChatStream yields the chunks of an SSE chat completion stream. It
// returns nil after [DONE] or, when the server sends no [DONE], at EOF after
// a finish reason; io.ErrUnexpectedEOF (wrapped) at EOF otherwise.
func readChatStream(r io.Reader, yield func(ChatCompletionStreamOutput, error) bool) error {
	finished := false
	var slab choiceSlab
	done, err := eachEvent(r, func(ev sse.Event) error {
		if ev.Type == "error" {
			return &StreamError{Message: serverMessage([]byte(ev.Data)), Raw: ev.Data}
		}
		var chunk ChatCompletionStreamOutput
		if err := decodeChunk(ev.Data, &chunk, &slab); err != nil {
			return err
		}
		chunk.Raw = ev.Data
		for i := range chunk.Choices {
			if chunk.Choices[i].FinishReason != "" {
				finished = true
			}
		}
		if !yield(chunk, nil) {
			return errStopped
		}
		return nil
	})
	if err != nil || done || finished {
		return err
	}
	return fmt.Errorf("stream ended before [DONE] or a finish reason: %w", io.ErrUnexpectedEOF)
}
