// Package mcptest holds the MCP servers the tests of this module run: one
// server with tools covering every result shape, served in process, over
// HTTP, or over stdio by a test binary that re-executes itself; and, for
// OAuth, an authorization server ([AuthServer]), a server it protects
// ([ProtectedServer]) and a browser played by a test binary
// ([BrowseIfChild]).
package mcptest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// EnvServe, set to "1" in a test binary's environment, makes [ServeIfChild]
// serve MCP over stdio instead of running the tests.
const EnvServe = "TINY_AGENTS_TEST_MCP_STDIO"

// EnvMode selects how a stdio child misbehaves; see [ServeIfChild].
const EnvMode = "TINY_AGENTS_TEST_MCP_MODE"

// EnvExtraTools, set to "1" in a stdio child's environment, makes it serve
// [AddExtraTools]' tools too.
const EnvExtraTools = "TINY_AGENTS_TEST_MCP_EXTRA_TOOLS"

// EnvDelay is how long a child in mode "slow" waits before serving, in
// time.ParseDuration's syntax ("300ms").
const EnvDelay = "TINY_AGENTS_TEST_MCP_DELAY"

// CrashMessage is the last line a child in mode "crash" writes to stderr.
const CrashMessage = "FAKE_API_KEY environment variable is required"

// ServeIfChild serves [NewServer] over stdio, with [AddExtraTools]' tools
// when EnvExtraTools=1, and exits when the process was started as a stdio
// server (EnvServe=1); it returns otherwise. Call it first in TestMain.
// EnvMode makes the child misbehave:
//
//   - "crash": write three lines to stderr, the last being [CrashMessage],
//     and exit with status 1 without reading anything;
//   - "garbage": print a line that is not JSON on stdout ten times a
//     second, never answer, and exit when stdin closes;
//   - "silent": read stdin, never answer, and exit when stdin closes;
//   - "slow": wait EnvDelay, then serve normally.
func ServeIfChild() {
	if os.Getenv(EnvServe) != "1" {
		return
	}
	switch os.Getenv(EnvMode) {
	case "crash":
		fmt.Fprintln(os.Stderr, "starting the fake server")
		fmt.Fprintln(os.Stderr, "reading the configuration")
		fmt.Fprintln(os.Stderr, CrashMessage)
		os.Exit(1)
	case "garbage":
		go func() {
			for range time.Tick(100 * time.Millisecond) {
				fmt.Println("Server listening... this is not JSON")
			}
		}()
		fmt.Println("Server listening... this is not JSON")
		drainStdin()
	case "silent":
		drainStdin()
	case "slow":
		d, err := time.ParseDuration(os.Getenv(EnvDelay))
		if err != nil {
			fmt.Fprintln(os.Stderr, "mode slow:", err)
			os.Exit(2)
		}
		time.Sleep(d)
	}
	s := NewServer(os.Getenv("TINY_AGENTS_TEST_MCP_NAME"))
	if os.Getenv(EnvExtraTools) == "1" {
		AddExtraTools(s)
	}
	if err := server.ServeStdio(s); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// drainStdin reads stdin to its end, then exits.
func drainStdin() {
	io.Copy(io.Discard, os.Stdin)
	os.Exit(0)
}

// StdioEnv is the environment that makes a test binary a stdio server. A
// race-enabled binary would sleep a second at exit; GORACE turns that off.
func StdioEnv(name string) map[string]string {
	return map[string]string{EnvServe: "1", "TINY_AGENTS_TEST_MCP_NAME": name, "GORACE": "atexit_sleep_ms=0"}
}

// StdioEnvMode is [StdioEnv] with the child in mode, one of the modes of
// [ServeIfChild]. For "slow", add EnvDelay to the map.
func StdioEnvMode(name, mode string) map[string]string {
	env := StdioEnv(name)
	env[EnvMode] = mode
	return env
}

// EchoAnnotations are the annotations of the tool echo: a title and
// readOnlyHint true, the other hints left out. Every other tool has
// mcp-go's defaults (read-only false, destructive true, idempotent false,
// open-world true).
var EchoAnnotations = mcp.ToolAnnotation{Title: "Echo", ReadOnlyHint: mcp.ToBoolPtr(true)}

// NewServer returns an MCP server whose tools cover every result shape:
// echo (annotated read-only, see [EchoAnnotations]), add, fail (a Go
// error), tool_error (an error result), image, resources, empty, hang
// (blocks until cancelled), ask_user (elicits a name and an age), die
// (writes "dying now" to stderr and exits with status 3), env (reads a
// variable) and pid. Every server has the same tool names, so two of them
// collide on purpose. [AddExtraTools] adds more.
func NewServer(name string) *server.MCPServer {
	s := server.NewMCPServer("test-"+name, "1.0", server.WithToolCapabilities(true), server.WithElicitation())
	s.AddTool(mcp.NewTool("echo", mcp.WithDescription("Echoes text."), mcp.WithString("text", mcp.Required()),
		mcp.WithToolAnnotation(EchoAnnotations)),
		func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			return mcp.NewToolResultText("echo: " + req.GetString("text", "")), nil
		})
	s.AddTool(mcp.NewTool("add", mcp.WithNumber("a"), mcp.WithNumber("b")),
		func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			return mcp.NewToolResultText(fmt.Sprint(req.GetFloat("a", 0) + req.GetFloat("b", 0))), nil
		})
	s.AddTool(mcp.NewTool("fail"), func(context.Context, mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		return nil, errors.New("disk on fire")
	})
	s.AddTool(mcp.NewTool("tool_error"), func(context.Context, mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		return mcp.NewToolResultError("bad input"), nil
	})
	s.AddTool(mcp.NewTool("image"), func(context.Context, mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		return &mcp.CallToolResult{Content: []mcp.Content{
			mcp.NewImageContent("AAAAAA==", "image/png"), mcp.NewAudioContent("AAAA", "audio/wav")}}, nil
	})
	s.AddTool(mcp.NewTool("resources"), func(context.Context, mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		return &mcp.CallToolResult{Content: []mcp.Content{
			mcp.NewEmbeddedResource(mcp.TextResourceContents{URI: "file:///a.txt", MIMEType: "text/plain", Text: "alpha"}),
			mcp.NewEmbeddedResource(mcp.BlobResourceContents{URI: "file:///b.bin", MIMEType: "application/octet-stream", Blob: "AAAA"}),
		}}, nil
	})
	s.AddTool(mcp.NewTool("empty"), func(context.Context, mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		return &mcp.CallToolResult{}, nil
	})
	s.AddTool(mcp.NewTool("hang"), func(ctx context.Context, _ mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	})
	s.AddTool(mcp.NewTool("ask_user"), func(ctx context.Context, _ mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		var req mcp.ElicitationRequest
		req.Params.Message = "Who are you?"
		req.Params.RequestedSchema = map[string]any{"type": "object", "properties": map[string]any{
			"name": map[string]any{"type": "string", "default": "Ada"},
			"age":  map[string]any{"type": "integer", "default": 36},
			"note": map[string]any{"type": "string"},
		}}
		res, err := s.RequestElicitation(ctx, req)
		if err != nil {
			return nil, err
		}
		b, _ := json.Marshal(res.Content)
		return mcp.NewToolResultText(string(res.Action) + " " + string(b)), nil
	})
	s.AddTool(mcp.NewTool("die"), func(context.Context, mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		fmt.Fprintln(os.Stderr, "dying now")
		os.Exit(3) // a server that crashes in the middle of a call
		return nil, nil
	})
	s.AddTool(mcp.NewTool("env"), func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		return mcp.NewToolResultText(os.Getenv(req.GetString("name", ""))), nil
	})
	s.AddTool(mcp.NewTool("pid"), func(context.Context, mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		return mcp.NewToolResultText(fmt.Sprint(os.Getpid())), nil
	})
	return s
}

// AddExtraTools adds to s the tools of [NewServer] that only some tests
// need, so that the others can count on NewServer's list: environ (the
// whole environment, one NAME=value a line, sorted), big (a text of the
// given size, see [Big]) and sleep (waits for its duration, in
// time.ParseDuration's syntax, or until cancelled, then says "slept D").
func AddExtraTools(s *server.MCPServer) {
	s.AddTool(mcp.NewTool("environ", mcp.WithDescription("Lists the environment, one NAME=value a line, sorted.")),
		func(context.Context, mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			env := os.Environ()
			slices.Sort(env)
			return mcp.NewToolResultText(strings.Join(env, "\n")), nil
		})
	s.AddTool(mcp.NewTool("big", mcp.WithDescription("Returns size bytes of text: unit repeated, cut to size."),
		mcp.WithNumber("size", mcp.Required()), mcp.WithString("unit")),
		func(_ context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			return mcp.NewToolResultText(Big(req.GetInt("size", 0), req.GetString("unit", "x"))), nil
		})
	s.AddTool(mcp.NewTool("sleep", mcp.WithDescription("Waits for duration (\"200ms\"), then says so."),
		mcp.WithString("duration", mcp.Required())),
		func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			d, err := time.ParseDuration(req.GetString("duration", ""))
			if err != nil {
				return mcp.NewToolResultError(err.Error()), nil
			}
			t := time.NewTimer(d)
			defer t.Stop()
			select {
			case <-t.C:
				return mcp.NewToolResultText("slept " + d.String()), nil
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		})
}

// Big is the text the tool big returns: unit ("x" when empty) repeated to
// size bytes, the last repetition cut on a rune boundary, so exactly size
// bytes for an ASCII unit.
func Big(size int, unit string) string {
	if unit == "" {
		unit = "x"
	}
	if size <= 0 {
		return ""
	}
	s := strings.Repeat(unit, size/len(unit)+1)
	for !utf8.RuneStart(s[size]) {
		size--
	}
	return s[:size]
}
