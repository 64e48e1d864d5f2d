package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

// Modes of --approve.
const (
	approveNone   = "none"   // every call runs, as in the references
	approveWrites = "writes" // calls of tools not marked read-only are asked
	approveAll    = "all"    // every call is asked
)

// approver asks at the terminal before tool calls run: y, n or always (for
// that tool, for the rest of the run). It reads /dev/tty, not stdin, which
// may hold piped prompts; with no terminal, calls that need approval are
// denied.
type approver struct {
	mode string
	st   *streams
	tty  string // the terminal device; a test may point it elsewhere

	mu     sync.Mutex // one question at a time; guards always and warned
	always map[string]bool
	warned bool
}

func newApprover(mode string, st *streams) *approver {
	return &approver{mode: mode, st: st, tty: "/dev/tty", always: map[string]bool{}}
}

// needs reports whether a call must be asked about.
func (ap *approver) needs(req mcpclient.ApprovalRequest) bool {
	return ap.mode == approveAll || ap.mode == approveWrites && !req.Annotations.ReadOnly()
}

// approve is the mcpclient approval hook.
func (ap *approver) approve(ctx context.Context, req mcpclient.ApprovalRequest) (mcpclient.Approval, error) {
	if !ap.needs(req) {
		return mcpclient.Approval{Allow: true}, nil
	}
	ap.mu.Lock()
	defer ap.mu.Unlock()
	name := req.Call.Function.Name
	if ap.always[name] {
		return mcpclient.Approval{Allow: true}, nil
	}
	tty, err := os.OpenFile(ap.tty, os.O_RDWR, 0)
	if err != nil {
		if !ap.warned {
			ap.warned = true
			ap.st.warn(fmt.Sprintf("--approve %s: no terminal to ask on (%v); tool calls that need approval are refused", ap.mode, err))
		}
		return mcpclient.Approval{Reason: "it needed the user's approval and no one could be asked"}, nil
	}
	defer tty.Close()
	answer, err := ap.ask(ctx, tty, req)
	if err != nil {
		return mcpclient.Approval{}, err
	}
	switch answer {
	case "a", "always":
		ap.always[name] = true
		return mcpclient.Approval{Allow: true}, nil
	case "y", "yes":
		return mcpclient.Approval{Allow: true}, nil
	}
	return mcpclient.Approval{Reason: "the user said no"}, nil
}

// ask shows the call on the terminal and reads the answer; ctx ending
// (Ctrl+C) interrupts the read.
func (ap *approver) ask(ctx context.Context, tty *os.File, req mcpclient.ApprovalRequest) (string, error) {
	ap.st.flush()
	server := req.Server
	if server == "" {
		server = "this process"
	}
	args := ap.st.redactor().String(req.Call.Function.Arguments)
	if len(args) > 500 {
		args = args[:500] + "..."
	}
	fmt.Fprintf(tty, "\nRun %s (%s) with %s? [y]es, [n]o, [a]lways for this tool: ", req.Call.Function.Name, server, args)
	stop := context.AfterFunc(ctx, func() { tty.SetReadDeadline(time.Now()) })
	defer stop()
	line, err := bufio.NewReader(tty).ReadString('\n')
	if ctx.Err() != nil {
		fmt.Fprintln(tty)
		return "", context.Cause(ctx)
	}
	if err != nil && line == "" {
		return "", fmt.Errorf("reading the approval: %w", err)
	}
	return strings.ToLower(strings.TrimSpace(line)), nil
}
