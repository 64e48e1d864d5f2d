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
// A stdio server does not inherit the environment: it gets the variables
// of [BaseEnv] (PATH, HOME, ...), those its [ServerConfig.EnvPassthrough]
// names, and its [ServerConfig.Env], so that a token reaches a server only
// when its configuration says so. The log lines of the MCP transports go
// to the logger of [WithLogger] at debug level, never to standard error.
//
// # Signing in (OAuth)
//
// An sse or http server that answers 401 with a Bearer challenge gets an
// OAuth sign-in, as MCP's authorization specification describes: the
// client discovers the server's protected resource metadata and its
// authorization server (RFC 9728, RFC 8414, OpenID Connect discovery, and
// the 2025-03-26 fallbacks), checks that the metadata is for this server,
// chooses scopes, registers itself (dynamically, with a client ID metadata
// document, or with the [AuthConfig] credentials) and has the user sign in
// through the [Authorizer] of [WithAuthorizer], with PKCE and the RFC 8707
// resource. A 403 insufficient_scope gets a new sign-in for the scopes the
// server asks for, three at most per request. Expired tokens are
// refreshed without the user; a refused refresh asks the user again, with
// the reason. Tokens are kept in the [TokenStore] of [WithTokenStore]
// under [TokenKey]. Programs without a user use the client credentials
// grant (with a secret or an ES256 key) or cross-app access, set in
// [ServerConfig.Auth]. No token or secret appears in an error or a log
// line; a failure is an *[AuthError].
//
// # Go tools
//
// [WithTools] adds tools that run in this process (see package tools)
// beside the MCP tools. The model cannot tell them apart: they are sent
// first, dispatched by name, answered and capped the same way. An MCP
// tool with the name of a Go tool is skipped with a warning;
// [Client.ServerOf] is "" for a Go tool.
//
// # Running tool calls
//
// The calls of one turn run at once, up to [WithMaxParallelTools]
// ([DefaultMaxParallelTools]); their results are added and yielded in
// call order. A hook given with [WithApprover] is asked about each call
// first, one call at a time, with the tool's annotations
// ([Client.ToolAnnotations]); it may allow, deny (the model is told the
// reason) or end the turn with an error such as [ErrApprovalCancelled].
//
// # Tool results
//
// A tool's result is flattened to text for the model, and the tool
// message added to the conversation is capped at [DefaultToolResultLimit]
// bytes (see [WithToolResultLimit]); the *[ToolResultEvent] carries the
// whole text in its Result field.
//
// # Events
//
// [Client.ProcessSingleTurnWithTools] yields the events of one turn: a
// *[ChunkEvent] per streamed chunk (one event, refilled: copy its Chunk to
// keep it), then a *[ToolCallEvent] per tool call,
// then a *[ToolResultEvent] per tool message in call order, and a
// *[TurnEndEvent] last, with the token usage the provider reported (the
// turn asks for it with stream_options, and stops asking a server that
// refuses the field). An agent run (agent.Agent.Run) yields the events of
// its turns, then a *[RunEndEvent].
//
// # Errors
//
// A server that does not start, does not answer or goes away gives a
// *[ServerError] naming it, with the tail of its stderr and, for a child
// process that ended, how it ended. It wraps [ErrServerGone] when the
// server went away (its process exited, its connection or an SSE server's
// event stream closed, in which case pending calls fail at once) and
// [ErrConnectTimeout] when it did not connect in time.
package mcpclient
