// Package agent runs a tiny agent: a chat model with the tools of its MCP
// servers, looping turns until the task is done.
//
// Load a config with [Load] (a file, a folder, a built-in agent or an agent of
// the Hub dataset tiny-agents/tiny-agents) or [ParseConfig], connect it with
// [New], then range over [Agent.Run]:
//
//	cfg, err := agent.Load(ctx, "./my-agent", agent.LoadOptions{})
//	a, err := agent.New(ctx, cfg)
//	defer a.Close()
//	for ev, err := range a.Run(ctx, "Summarise README.md") { ... }
//
// A run ends when the model calls task_complete or ask_question, when it
// answers in text after a round of tools, or after [DefaultMaxTurns] turns.
package agent
