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
	return err
}

// readChatStream yields the chunks of an SSE chat completion stream. It
// returns nil after [DONE] or, when the server sends no [DONE], at EOF after
// a finish reason; io.ErrUnexpectedEOF (wrapped) at EOF otherwise.
func readChatStream(r io.Reader, yield func(ChatCompletionStreamOutput, error) bool) error {
	finished := false
	var slab choiceSlab
	for ev, err := range sse.Read(r, sseConfig) {
		if err != nil {
			return sseError(err)
		}
		if ev.Data == "" {
			continue
		}
		if ev.Data == "[DONE]" {
			return nil
		}
		if ev.Type == "error" {
			return &StreamError{Message: serverMessage([]byte(ev.Data)), Raw: ev.Data}
		}
		var chunk ChatCompletionStreamOutput
		if err := decodeChunkFrom(ev.Data, &chunk, &slab); err != nil {
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
	}
	if finished {
		return nil
	}
	return fmt.Errorf("stream ended before [DONE] or a finish reason: %w", io.ErrUnexpectedEOF)
}
