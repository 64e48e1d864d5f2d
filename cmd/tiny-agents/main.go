// Command tiny-agents runs an MCP-powered agent from an agent.json: at a
// terminal (run) or as an OpenAI-compatible server (serve).
package main

import "os"

func main() {
	os.Exit(Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
