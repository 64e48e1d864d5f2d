package main

import (
	"bufio"
	"io"
	"sync"
	"time"
)

// ANSI colours, as the references use them.
const (
	ansiBlue  = "\x1b[34m"
	ansiGray  = "\x1b[90m"
	ansiGreen = "\x1b[32m"
	ansiReset = "\x1b[0m"
)

// flushDelay bounds how long printed text may wait in the buffer: short
// enough to look immediate, long enough that a fast stream costs a few
// writes instead of one per chunk.
const flushDelay = 10 * time.Millisecond

// printer writes the agent's output, coloured or not, through a buffer
// that a timer flushes. It is safe for concurrent use; Close stops the timer.
type printer struct {
	mu    sync.Mutex
	w     *bufio.Writer
	color bool
	timer *time.Timer
}

func newPrinter(w io.Writer, color bool) *printer {
	return &printer{w: bufio.NewWriterSize(w, 32<<10), color: color}
}

// colored writes s in colour c (if colours are on).
func (p *printer) colored(c, s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.color {
		p.w.WriteString(c)
	}
	p.w.WriteString(s)
	if p.color {
		p.w.WriteString(ansiReset)
	}
	p.armLocked()
}

// print writes s uncoloured.
func (p *printer) print(s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.w.WriteString(s)
	p.armLocked()
}

func (p *printer) armLocked() {
	if p.timer == nil {
		p.timer = time.AfterFunc(flushDelay, p.Flush)
	}
}

// Flush writes out what is buffered now.
func (p *printer) Flush() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.timer != nil {
		p.timer.Stop()
		p.timer = nil
	}
	p.w.Flush()
}
