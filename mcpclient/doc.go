// Package mcpclient connects to MCP servers, hands their tools to a chat
// model and runs the tool calls the model makes. Its Client embeds an
// *inference.Client, so every inference call stays one method away.
package mcpclient
