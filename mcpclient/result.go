package mcpclient

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
)

// binaryNote follows every binary summary, as in the references: the model
// should not try to fetch what the user already has.
const binaryNote = "The task is complete and the content accessible to the User"

// flattenResult turns a tool result into the text the model sees: text as
// is, binary content as a "[Binary Content: ...]" summary with its size, and
// "[No content]" for an empty result.
func flattenResult(res *mcp.CallToolResult) string {
	if res == nil || len(res.Content) == 0 {
		return "[No content]"
	}
	parts := make([]string, 0, len(res.Content))
	for _, c := range res.Content {
		if p, ok := flattenContent(c); ok {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, "\n")
}

// contentWire reads any content item through its JSON, whatever concrete
// type the SDK chose for it.
type contentWire struct {
	Type     string `json:"type"`
	Text     string `json:"text"`
	MimeType string `json:"mimeType"`
	Data     string `json:"data"`
	URI      string `json:"uri"`
	Resource *struct {
		URI      string  `json:"uri"`
		MimeType string  `json:"mimeType"`
		Text     *string `json:"text"`
		Blob     *string `json:"blob"`
	} `json:"resource"`
}

func flattenContent(c mcp.Content) (string, bool) {
	b, err := json.Marshal(c)
	if err != nil {
		return "", false
	}
	var w contentWire
	if json.Unmarshal(b, &w) != nil {
		return "", false
	}
	switch w.Type {
	case "text":
		return w.Text, true
	case "image", "audio":
		kind := strings.ToUpper(w.Type[:1]) + w.Type[1:]
		return fmt.Sprintf("[Binary Content: %s %s, %d bytes]\n%s", kind, w.MimeType, base64Size(w.Data), binaryNote), true
	case "resource":
		r := w.Resource
		switch {
		case r == nil:
		case r.Text != nil:
			return *r.Text, true
		case r.Blob != nil:
			return fmt.Sprintf("[Binary Content (%s): %s, %d bytes]\n%s", r.URI, r.MimeType, base64Size(*r.Blob), binaryNote), true
		}
	case "resource_link":
		return fmt.Sprintf("[Resource link: %s]", w.URI), true
	}
	return "", false
}

// base64Size is the decoded size of base64 data.
func base64Size(data string) int {
	padding := strings.Count(data[max(0, len(data)-2):], "=")
	return base64.StdEncoding.DecodedLen(len(data)) - padding
}
