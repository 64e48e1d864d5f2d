// Package toolresult holds the words in which a tool's result reaches the
// model when it is not plain text, shared by MCP tools (mcpclient) and Go
// tools (tools), so that the model cannot tell one kind from the other.
package toolresult

import "fmt"

// NoContent stands for a result with nothing to show.
const NoContent = "[No content]"

// Note follows every binary summary, as in the references: the model
// should not try to fetch what the user already has.
const Note = "The task is complete and the content accessible to the User"

// Binary returns the summary of binary content: what it is (a kind and a
// MIME type, or a resource's URI in parentheses and its MIME type) and its
// size in bytes, then Note.
func Binary(what string, size int) string {
	return fmt.Sprintf("[Binary Content%s, %d bytes]\n%s", what, size, Note)
}
