package mcpclient_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

// Connect the filesystem server built into the binary and call one of its
// tools directly.
func ExampleClient_CallTool() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("hello"), 0o644)

	c, err := mcpclient.New(mcpclient.WithModel("unused-here"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	ctx := context.Background()
	if err := c.AddServer(ctx, mcpclient.ServerConfig{Type: mcpclient.TransportBuiltin, Name: "filesystem", Args: []string{dir}}); err != nil {
		fmt.Println(err)
		return
	}
	out, err := c.CallTool(ctx, "read_file", map[string]any{"path": "notes.txt"})
	fmt.Println(out, err)
	// Output: hello <nil>
}
