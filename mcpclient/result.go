package mcpclient

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/tiny-agents-go/tiny-agents/internal/toolresult"
)

// flattenResult turns a tool result into the text the model sees: text as
// is, binary content as a "[Binary Content: ...]" summary with its size, a
// resource link as "[Resource link: URI]", and "[No content]" for a result
// with nothing of that. A result of one text part is that text itself,
// not a copy: a large result is held once.
func flattenResult(res *mcp.CallToolResult) string {
	if res == nil {
		return toolresult.NoContent
	}
	parts := make([]string, 0, len(res.Content))
	for _, c := range res.Content {
		if p, ok := flattenContent(c); ok {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 {
		return toolresult.NoContent
	}
	return strings.Join(parts, "\n")
}

// flattenContent reads the content types mcp-go decodes a result into
// (values; pointers too, in case a server in process builds them so).
// Other content (sampling's tool_use and tool_result) says nothing to the
// model.
func flattenContent(c mcp.Content) (string, bool) {
	switch v := c.(type) {
	case mcp.TextContent:
		return v.Text, true
	case *mcp.TextContent:
		if v != nil {
			return v.Text, true
		}
	case mcp.ImageContent:
		return binarySummary("Image", v.MIMEType, v.Data), true
	case *mcp.ImageContent:
		if v != nil {
			return binarySummary("Image", v.MIMEType, v.Data), true
		}
	case mcp.AudioContent:
		return binarySummary("Audio", v.MIMEType, v.Data), true
	case *mcp.AudioContent:
		if v != nil {
			return binarySummary("Audio", v.MIMEType, v.Data), true
		}
	case mcp.EmbeddedResource:
		return flattenResource(v.Resource)
	case *mcp.EmbeddedResource:
		if v != nil {
			return flattenResource(v.Resource)
		}
	case mcp.ResourceLink:
		return "[Resource link: " + v.URI + "]", true
	case *mcp.ResourceLink:
		if v != nil {
			return "[Resource link: " + v.URI + "]", true
		}
	}
	return "", false
}

func flattenResource(r mcp.ResourceContents) (string, bool) {
	switch v := r.(type) {
	case mcp.TextResourceContents:
		return v.Text, true
	case *mcp.TextResourceContents:
		if v != nil {
			return v.Text, true
		}
	case mcp.BlobResourceContents:
		return resourceSummary(v.URI, v.MIMEType, v.Blob), true
	case *mcp.BlobResourceContents:
		if v != nil {
			return resourceSummary(v.URI, v.MIMEType, v.Blob), true
		}
	}
	return "", false
}

func binarySummary(kind, mimeType, data string) string {
	return toolresult.Binary(": "+kind+" "+mimeType, base64Size(data))
}

func resourceSummary(uri, mimeType, blob string) string {
	return toolresult.Binary(" ("+uri+"): "+mimeType, base64Size(blob))
}

// base64Size is the decoded size of base64 data.
func base64Size(data string) int {
	padding := strings.Count(data[max(0, len(data)-2):], "=")
	return max(0, base64.StdEncoding.DecodedLen(len(data))-padding)
}

// capResult returns s whole if it is at most limit bytes long or limit is
// negative; otherwise its first limit bytes or fewer, ending on a UTF-8
// boundary, and a line saying how much was cut. The result is a new
// string: it never keeps s alive.
func capResult(s string, limit int) string {
	if limit < 0 || len(s) <= limit {
		return s
	}
	// Back up to the start of the rune the limit falls in. In invalid
	// UTF-8, with no start within a rune's length, cut at the limit.
	cut := limit
	for cut > 0 && cut > limit-(utf8.UTFMax-1) && !utf8.RuneStart(s[cut]) {
		cut--
	}
	if !utf8.RuneStart(s[cut]) {
		cut = limit
	}
	marker := fmt.Sprintf("\n[... %s more bytes cut: the tool result was %s bytes, over the %s-byte limit]",
		thousands(len(s)-cut), thousands(len(s)), thousands(limit))
	var b strings.Builder
	b.Grow(cut + len(marker))
	b.WriteString(s[:cut])
	b.WriteString(marker)
	return b.String()
}

// thousands formats n with commas between groups of three digits.
func thousands(n int) string {
	s := strconv.Itoa(n)
	if n < 0 || len(s) <= 3 {
		return s
	}
	var b strings.Builder
	head := len(s) % 3
	if head == 0 {
		head = 3
	}
	b.WriteString(s[:head])
	for i := head; i < len(s); i += 3 {
		b.WriteByte(',')
		b.WriteString(s[i : i+3])
	}
	return b.String()
}
