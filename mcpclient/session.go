package mcpclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"sync"
	"syscall"
	"time"

	mcpc "github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/internal/version"
)

// session is one connected server.
type session struct {
	cfg   ServerConfig
	mc    *mcpc.Client
	tools []inference.Tool

	mu  sync.Mutex
	cmd *exec.Cmd // the stdio child, once started
}

// connect starts the transport, initialises the session and lists the
// server's tools (all pages), filtered by AllowedTools.
func (c *Client) connect(ctx context.Context, cfg ServerConfig) (*session, error) {
	s := &session{cfg: cfg}
	mc, err := s.newClient(ctx, c)
	if err != nil {
		return nil, err
	}
	s.mc = mc
	if err := s.start(ctx); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

func (s *session) newClient(ctx context.Context, c *Client) (*mcpc.Client, error) {
	cfg := s.cfg
	switch cfg.Type {
	case TransportStdio:
		if cfg.Command == "" {
			return nil, errors.New("stdio server without a command")
		}
		t := transport.NewStdioWithOptions(cfg.Command, nil, cfg.Args,
			transport.WithCommandFunc(s.command), transport.WithCommandStderrWriter(c.stderr),
			transport.WithCommandLogger(c.log))
		return mcpc.NewClient(t, c.clientOptions()...), nil
	case TransportSSE:
		t, err := transport.NewSSE(cfg.URL, transport.WithHeaders(cfg.Headers))
		if err != nil {
			return nil, err
		}
		return mcpc.NewClient(t, c.clientOptions()...), nil
	case TransportHTTP:
		opts := []transport.StreamableHTTPCOption{transport.WithHTTPHeaders(cfg.Headers), transport.WithHTTPLogger(c.log)}
		if c.elicit != nil {
			// Servers send elicitations on the standalone GET stream of
			// the protocol version we pin (2025-11-25); the deprecation
			// concerns 2026-07-28, which we do not negotiate.
			//lint:ignore SA1019 the pinned protocol version uses this stream
			opts = append(opts, transport.WithContinuousListening())
		}
		t, err := transport.NewStreamableHTTP(cfg.URL, opts...)
		if err != nil {
			return nil, err
		}
		return mcpc.NewClient(t, c.clientOptions()...), nil
	case TransportBuiltin:
		return newBuiltin(cfg, c.clientOptions())
	}
	return nil, fmt.Errorf("unknown server type %q (want stdio, sse, http or builtin)", cfg.Type)
}

// clientOptions pins the protocol to the newest version with the
// initialize handshake, which every server of 2025 speaks (a
// server/discover probe would cost a round trip, and some servers answer
// unknown methods with an empty result), and plugs in elicitation.
func (c *Client) clientOptions() []mcpc.ClientOption {
	opts := []mcpc.ClientOption{mcpc.WithProtocolVersion(mcp.LATEST_LEGACY_PROTOCOL_VERSION)}
	if c.elicit != nil {
		opts = append(opts, mcpc.WithElicitationHandler(elicitAdapter{c.elicit}))
	}
	return opts
}

// command builds the stdio child: the parent's environment plus Env, in Cwd,
// in a process group of its own so that a terminal's Ctrl+C reaches only us
// and Close can end the child's own children too.
func (s *session) command(ctx context.Context, name string, _ []string, args []string) (*exec.Cmd, error) {
	cmd := exec.Command(name, args...)
	cmd.Env = os.Environ()
	for k, v := range s.cfg.Env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Dir = s.cfg.Cwd
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	s.mu.Lock()
	s.cmd = cmd
	s.mu.Unlock()
	return cmd, nil
}

func (s *session) start(ctx context.Context) error {
	if err := s.mc.Start(ctx); err != nil {
		return fmt.Errorf("start: %w", err)
	}
	var init mcp.InitializeRequest
	init.Params.ProtocolVersion = mcp.LATEST_LEGACY_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "tiny-agents-go", Version: version.Version}
	if _, err := s.mc.Initialize(ctx, init); err != nil {
		return fmt.Errorf("initialize: %w", err)
	}
	res, err := s.mc.ListTools(ctx, mcp.ListToolsRequest{})
	if err != nil {
		return fmt.Errorf("list tools: %w", err)
	}
	for _, t := range res.Tools {
		if len(s.cfg.AllowedTools) > 0 && !slices.Contains(s.cfg.AllowedTools, t.Name) {
			continue
		}
		s.tools = append(s.tools, toInferenceTool(t))
	}
	return nil
}

// toInferenceTool turns an MCP tool into a chat tool, keeping the server's
// input schema as sent.
func toInferenceTool(t mcp.Tool) inference.Tool {
	var params json.RawMessage = []byte(`{"type":"object","properties":{}}`)
	if b, err := json.Marshal(t); err == nil {
		var w struct {
			InputSchema json.RawMessage `json:"inputSchema"`
		}
		if json.Unmarshal(b, &w) == nil && len(w.InputSchema) > 0 && string(w.InputSchema) != "null" {
			params = w.InputSchema
		}
	}
	return inference.Tool{Type: "function", Function: inference.FunctionDefinition{
		Name: t.Name, Description: t.Description, Parameters: params,
	}}
}

// call runs one tool with the server's timeout, if any.
func (s *session) call(ctx context.Context, name string, args map[string]any) (*mcp.CallToolResult, error) {
	if s.cfg.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.cfg.Timeout)
		defer cancel()
	}
	if args == nil {
		args = map[string]any{} // servers reject "arguments": null
	}
	var req mcp.CallToolRequest
	req.Params.Name = name
	req.Params.Arguments = args
	res, err := s.mc.CallTool(ctx, req)
	if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return nil, fmt.Errorf("timed out after %s: %w", s.cfg.Timeout, err)
	}
	return res, err
}

// closeGrace is how long a stdio child gets to exit on its own once its
// stdin is closed, before its process group is sent SIGTERM. mcp-go alone
// would wait two seconds.
const closeGrace = 100 * time.Millisecond

// close ends the session and makes sure no process of the child's group
// outlives it.
func (s *session) close() error {
	if s.mc == nil {
		return nil
	}
	done := make(chan error, 1)
	go func() { done <- s.mc.Close() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(closeGrace):
		if pgid := s.pgid(); pgid > 0 {
			syscall.Kill(-pgid, syscall.SIGTERM)
		}
		err = <-done
	}
	if pgid := s.pgid(); pgid > 0 {
		reapGroup(pgid)
	}
	return err
}

// pgid is the stdio child's process group, 0 if there is none.
func (s *session) pgid() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil || s.cmd.Process == nil {
		return 0
	}
	return s.cmd.Process.Pid
}

// reapGroup ends what is left of a child's process group (children the
// server started itself): SIGTERM, a short grace, then SIGKILL.
func reapGroup(pgid int) {
	if syscall.Kill(-pgid, syscall.SIGTERM) != nil {
		return // the group is gone
	}
	for range 20 {
		time.Sleep(5 * time.Millisecond)
		if syscall.Kill(-pgid, 0) != nil {
			return
		}
	}
	syscall.Kill(-pgid, syscall.SIGKILL)
}
