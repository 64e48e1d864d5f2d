package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// toolsOptions are the flags and arguments of `tools`.
type toolsOptions struct {
	agentOptions
	Output string
}

func newToolsCmd(a *app) *cobra.Command {
	opts := &toolsOptions{}
	cmd := &cobra.Command{
		Use:   "tools [agent]",
		Short: "Connect an agent's MCP servers, list their tools, and exit",
		Long: `Connect the agent's MCP servers (and those of --mcp-config files), list every tool with its
server and description, and exit: a quick check of a configuration. The agent is named as
for "run"; no model is called and no token is needed.`,
		Example: `  tiny-agents tools
  tiny-agents tools ./my-agent
  tiny-agents tools --mcp-config .vscode/mcp.json --output json`,
		Args: usageArgs(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := bindAgentArgs(cmd, args, &opts.agentOptions); err != nil {
				return err
			}
			if err := checkOutput(opts.Output); err != nil {
				return err
			}
			return runTools(cmd.Context(), a, opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Output, "output", "o", outputText, `output format: "text", or "json" for one JSON object`)
	addAgentFlags(cmd, &opts.agentOptions)
	return cmd
}

// runTools connects the servers, prints their tools and closes them.
func runTools(ctx context.Context, a *app, opts *toolsOptions) (err error) {
	st := newStreams(a)
	defer st.flush()
	defer func() { err = report(st, nil, err) }()
	opts.MaxTurns = 1
	opts.toolsOnly = true
	ag, info, err := startAgent(ctx, st, &opts.agentOptions)
	if err != nil {
		return err
	}
	defer ag.Close()
	if opts.Output == outputJSON {
		b, err := json.Marshal(toolsListing(info))
		if err != nil {
			return err
		}
		st.out.print(string(b) + "\n")
		return nil
	}
	st.out.print(formatTools(info))
	return nil
}

// toolListing is the --output json form of `tools`.
type toolListing struct {
	Agent string         `json:"agent"`
	Tools []toolListItem `json:"tools"`
}

type toolListItem struct {
	Name        string `json:"name"`
	Server      string `json:"server"`
	Description string `json:"description"`
}

func toolsListing(info *loadedInfo) toolListing {
	l := toolListing{Agent: info.Agent, Tools: []toolListItem{}}
	for _, t := range info.Tools {
		l.Tools = append(l.Tools, toolListItem(t))
	}
	return l
}

// formatTools lists the tools grouped by server, in the order the model
// sees them, with the first line of each description.
func formatTools(info *loadedInfo) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d tools\n", len(info.Tools))
	server := "\x00"
	for _, t := range info.Tools {
		if t.Server != server {
			server = t.Server
			fmt.Fprintf(&b, "\n%s\n", server)
		}
		desc, _, _ := strings.Cut(strings.TrimSpace(t.Description), "\n")
		if desc == "" {
			fmt.Fprintf(&b, "  %s\n", t.Name)
			continue
		}
		fmt.Fprintf(&b, "  %-24s %s\n", t.Name, desc)
	}
	return b.String()
}
