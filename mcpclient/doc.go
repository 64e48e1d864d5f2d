// Package mcpclient connects to MCP servers, hands their tools to a chat
// model and runs the tool calls the model makes. Its Client embeds an
// *inference.Client, so every inference call stays one method away.
//
// # Servers
//
// [Client.AddServers] connects stdio, sse, http and builtin servers in
// parallel, each within its [ServerConfig.ConnectTimeout]. Every server has
// a display name ([ServerNames]) used in every message, log line and error;
// [Client.Servers] and [Client.ServerOf] report them. The standard error of
// a stdio server is always kept in a short tail, and mirrored line by line
// with a "[NAME] " prefix to the writer of [WithServerStderr], if any.
//
// # Events
//
// [Client.ProcessSingleTurnWithTools] yields the events of one turn: a
// *[ChunkEvent] per streamed chunk, a *[ToolCallEvent] per tool call, a
// *[ToolResultEvent] per tool message, and a *[TurnEndEvent] last. An agent
// run (agent.Agent.Run) yields the events of its turns, then a
// *[RunEndEvent].
//
// # Errors
//
// A server that does not start, does not answer or goes away gives a
// *[ServerError] naming it, with the tail of its stderr and, for a child
// process that ended, how it ended. It wraps [ErrServerGone] when the
// server went away and [ErrConnectTimeout] when it did not connect in time.
package mcpclient
