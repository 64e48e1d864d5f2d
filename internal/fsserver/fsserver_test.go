package fsserver

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	mcpc "github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

func connect(t *testing.T, root string) *mcpc.Client {
	t.Helper()
	srv, err := New(root)
	if err != nil {
		t.Fatal(err)
	}
	return connectServer(t, srv)
}

// connectServer starts and initialises an in-process client of srv, closed
// when the test ends.
func connectServer(t *testing.T, srv *server.MCPServer) *mcpc.Client {
	t.Helper()
	c, err := mcpc.NewInProcessClient(srv)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	var init mcp.InitializeRequest
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	if _, err := c.Initialize(t.Context(), init); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// call runs a tool and returns its text and whether it is an error result.
func call(t *testing.T, c *mcpc.Client, name string, args map[string]any) (string, bool) {
	t.Helper()
	var req mcp.CallToolRequest
	req.Params.Name, req.Params.Arguments = name, args
	res, err := c.CallTool(t.Context(), req)
	if err != nil {
		t.Fatalf("%s: protocol error %v", name, err)
	}
	return resultText(res)
}

// resultText returns a result's text and whether it is an error result.
func resultText(res *mcp.CallToolResult) (string, bool) {
	var parts []string
	for _, ct := range res.Content {
		if tc, ok := ct.(mcp.TextContent); ok {
			parts = append(parts, tc.Text)
		}
	}
	return strings.Join(parts, "\n"), res.IsError
}

// handler is one of fsRoot's tool handlers.
type handler func(context.Context, mcp.CallToolRequest) (*mcp.CallToolResult, error)

// openTestRoot returns an fsRoot on dir for calling handlers directly,
// closed when the test ends.
func openTestRoot(t *testing.T, dir string) *fsRoot {
	t.Helper()
	r, err := openFSRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.root.Close() })
	return r
}

// callDirect runs a handler with ctx, and returns its text and whether it
// is an error result.
func callDirect(t *testing.T, ctx context.Context, h handler, args map[string]any) (string, bool) {
	t.Helper()
	var req mcp.CallToolRequest
	req.Params.Arguments = args
	res, err := h(ctx, req)
	if err != nil {
		t.Fatalf("protocol error %v", err)
	}
	return resultText(res)
}

func TestToolsWorkUnderRoot(t *testing.T) {
	root := t.TempDir()
	c := connect(t, root)
	if out, isErr := call(t, c, "write_file", map[string]any{"path": "sub/a.txt", "content": "one\ntwo\nthree\n"}); isErr {
		t.Fatal(out)
	}
	if out, _ := call(t, c, "list_directory", map[string]any{"path": "."}); out != "sub/" {
		t.Errorf("list = %q", out)
	}
	if out, _ := call(t, c, "read_file", map[string]any{"path": "sub/a.txt", "offset": 2, "limit": 1}); out != "two\n" {
		t.Errorf("range read = %q", out)
	}
	if out, _ := call(t, c, "search_files", map[string]any{"path": ".", "pattern": "two"}); out != "sub/a.txt:2: two" {
		t.Errorf("content search = %q", out)
	}
	if out, _ := call(t, c, "search_files", map[string]any{"path": ".", "pattern": "*.txt"}); out != "sub/a.txt" {
		t.Errorf("name search = %q", out)
	}
	os.Chmod(filepath.Join(root, "sub/a.txt"), 0o600)
	if out, isErr := call(t, c, "edit_file", map[string]any{"path": "sub/a.txt", "old_text": "two", "new_text": "2"}); isErr {
		t.Fatal(out)
	}
	data, _ := os.ReadFile(filepath.Join(root, "sub/a.txt"))
	st, _ := os.Stat(filepath.Join(root, "sub/a.txt"))
	if string(data) != "one\n2\nthree\n" || st.Mode().Perm() != 0o600 {
		t.Errorf("after edit: %q mode %v", data, st.Mode().Perm())
	}
	if out, isErr := call(t, c, "edit_file", map[string]any{"path": "sub/a.txt", "old_text": "e", "new_text": "E"}); !isErr || !strings.Contains(out, "occurs 3 times") {
		t.Errorf("ambiguous edit: %q", out)
	}
	for _, path := range []string{"sub/a.txt", "sub/missing.txt"} {
		if out, isErr := call(t, c, "edit_file", map[string]any{"path": path, "old_text": "", "new_text": "x"}); !isErr || !strings.Contains(out, "old_text is empty") {
			t.Errorf("edit of %s with an empty old_text: %q", path, out)
		}
	}
	if data, _ := os.ReadFile(filepath.Join(root, "sub/a.txt")); string(data) != "one\n2\nthree\n" {
		t.Errorf("after refused edits: %q", data)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(root, "sub", ".tmp-*")); len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
	os.WriteFile(filepath.Join(root, "bin"), []byte{0, 1, 2}, 0o644)
	if out, isErr := call(t, c, "read_file", map[string]any{"path": "bin"}); !isErr || !strings.Contains(out, "binary") {
		t.Errorf("binary read: %q", out)
	}
}

func TestRefusesPathsOutsideRoot(t *testing.T) {
	outside := t.TempDir()
	os.WriteFile(filepath.Join(outside, "secret"), []byte("s3cret"), 0o644)
	root := t.TempDir()
	os.Symlink(filepath.Join(outside, "secret"), filepath.Join(root, "link-file"))
	os.Symlink(outside, filepath.Join(root, "link-dir"))
	c := connect(t, root)
	cases := []struct {
		tool string
		args map[string]any
	}{
		{"read_file", map[string]any{"path": "../" + filepath.Base(outside) + "/secret"}},
		{"read_file", map[string]any{"path": filepath.Join(outside, "secret")}},
		{"read_file", map[string]any{"path": "link-file"}},
		{"list_directory", map[string]any{"path": "link-dir"}},
		{"write_file", map[string]any{"path": "link-file", "content": "x"}},
		{"write_file", map[string]any{"path": "link-dir/new.txt", "content": "x"}},
		{"write_file", map[string]any{"path": "link-dir/deeper/new.txt", "content": "x"}},
		{"get_file_info", map[string]any{"path": "/"}},
	}
	for _, tc := range cases {
		out, isErr := call(t, c, tc.tool, tc.args)
		if !isErr || !strings.Contains(out, "outside the allowed root") {
			t.Errorf("%s %v = %q, want a refusal", tc.tool, tc.args, out)
		}
	}
	if data, _ := os.ReadFile(filepath.Join(outside, "secret")); string(data) != "s3cret" {
		t.Error("a file outside the root was changed")
	}
	if _, err := os.Stat(filepath.Join(outside, "new.txt")); err == nil {
		t.Error("a file was created outside the root")
	}
}

func TestNewRejectsBadRoot(t *testing.T) {
	if _, err := New(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("missing root accepted")
	}
	f := filepath.Join(t.TempDir(), "file")
	os.WriteFile(f, nil, 0o644)
	if _, err := New(f); err == nil {
		t.Error("file root accepted")
	}
}
