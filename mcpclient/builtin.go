package mcpclient

import (
	"fmt"
	"slices"

	mcpc "github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/server"

	"github.com/tiny-agents-go/tiny-agents/internal/fsserver"
)

// builtins is the registry of servers compiled into the binary, by name.
var builtins = map[string]func(args []string) (*server.MCPServer, error){
	"filesystem": func(args []string) (*server.MCPServer, error) {
		root := "."
		if len(args) > 0 && args[0] != "" {
			root = args[0]
		}
		return fsserver.New(root)
	},
}

// BuiltinServers returns the names of the servers compiled into the binary.
func BuiltinServers() []string {
	names := make([]string, 0, len(builtins))
	for n := range builtins {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func newBuiltin(cfg ServerConfig, opts []mcpc.ClientOption) (*mcpc.Client, error) {
	mk, ok := builtins[cfg.Name]
	if !ok {
		return nil, fmt.Errorf("unknown builtin server %q (have %v)", cfg.Name, BuiltinServers())
	}
	srv, err := mk(cfg.Args)
	if err != nil {
		return nil, err
	}
	return mcpc.NewInProcessClientWithOptions(srv, opts...)
}
