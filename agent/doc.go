// Package agent runs a tiny agent: a chat model with the tools of its MCP
// servers and of Go functions, looping turns until the task is done.
//
// # Building an agent
//
// From an agent.json: load it with [Load] (a file, a folder, a built-in
// agent or an agent of the Hub dataset tiny-agents/tiny-agents) or
// [ParseConfig], then connect it with [New]:
//
//	cfg, err := agent.Load(ctx, "./my-agent", agent.LoadOptions{})
//	a, err := agent.New(ctx, cfg)
//	defer a.Close()
//
// In Go, with no JSON: a [Config] literal, and Go tools from the tools
// package:
//
//	weather, err := tools.New("weather", "Current weather of a city.", getWeather)
//	a, err := agent.New(ctx, &agent.Config{
//		Model:   "Qwen/Qwen3-235B-A22B-Instruct-2507",
//		Prompt:  "You are a travel assistant.",
//		Servers: []mcpclient.ServerConfig{{Type: "builtin", Name: "filesystem", Args: []string{"."}}},
//	}, agent.WithTools(weather), agent.WithMaxTurns(20))
//
// [WithClientOptions] passes MCP client options through: an approval hook
// (mcpclient.WithApprover), the tool result limit, parallel tool calls.
//
// [New] refuses a nil config, and one that names neither a model nor an
// endpoint URL, with the *[ConfigError] [ParseConfig] gives for such an
// agent.json. Close ends the servers and closes the agent's idle
// connections to the model; after it every run fails at once with
// [ErrClosed].
//
// # Running it
//
// [Agent.Ask] runs a prompt and returns how it ended: the answer, why it
// stopped, the turns and the token usage. [Agent.Run] yields the events as
// they happen: *mcpclient.ChunkEvent for each streamed chunk (the same
// event refilled; copy its Chunk to keep one),
// *mcpclient.ToolCallEvent and *mcpclient.ToolResultEvent for each tool
// call, *mcpclient.TurnEndEvent after each model turn and a last
// *mcpclient.RunEndEvent.
//
//	for ev, err := range a.Run(ctx, "Summarise README.md") { ... }
//
// A run ends when the model calls task_complete or ask_question, when it
// answers in text after a round of tools, or after [DefaultMaxTurns] turns.
// Run keeps one conversation inside the agent, for one user;
// [Agent.RunConversation] runs a conversation the caller owns, so that
// many users can share one agent's servers and tools at once.
//
// # Serving it
//
// [NewHandler] serves the agent as an OpenAI-compatible chat completions
// API (POST /v1/chat/completions, streamed or not, GET /v1/models, GET
// /healthz): each request is its own conversation. Mount it on a mux of
// your own, or run `tiny-agents serve`.
package agent
