package mcpclient

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mark3labs/mcp-go/mcp"
)

func TestCapResult(t *testing.T) {
	for _, tc := range []struct {
		name  string
		in    string
		limit int
		want  string
	}{
		{"under the limit", "hello", 10, "hello"},
		{"at the limit", "hello", 5, "hello"},
		{"no limit", strings.Repeat("a", 100), -1, strings.Repeat("a", 100)},
		{"over the limit", "hello world", 5,
			"hello\n[... 6 more bytes cut: the tool result was 11 bytes, over the 5-byte limit]"},
		{"thousands", strings.Repeat("a", 1_234_567), 1000,
			strings.Repeat("a", 1000) + "\n[... 1,233,567 more bytes cut: the tool result was 1,234,567 bytes, over the 1,000-byte limit]"},
		{"inside a two-byte rune", "aé", 2, "a\n[... 2 more bytes cut: the tool result was 3 bytes, over the 2-byte limit]"},
		{"inside a four-byte rune", "ab😀", 5, "ab\n[... 4 more bytes cut: the tool result was 6 bytes, over the 5-byte limit]"},
		{"before a rune", "ab😀", 2, "ab\n[... 4 more bytes cut: the tool result was 6 bytes, over the 2-byte limit]"},
		{"invalid UTF-8", "a" + strings.Repeat("\x80", 10), 6,
			"a\x80\x80\x80\x80\x80\n[... 5 more bytes cut: the tool result was 11 bytes, over the 6-byte limit]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := capResult(tc.in, tc.limit); got != tc.want {
				t.Errorf("capResult = %q, want %q", trunc(got), trunc(tc.want))
			}
		})
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 65536: "65,536",
		100_000_000: "100,000,000", 1_000_000_000_000: "1,000,000,000,000", -5: "-5"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestFlattenResult(t *testing.T) {
	for _, tc := range []struct {
		name string
		res  *mcp.CallToolResult
		want string
	}{
		{"nil", nil, "[No content]"},
		{"empty", &mcp.CallToolResult{}, "[No content]"},
		{"text parts", &mcp.CallToolResult{Content: []mcp.Content{mcp.NewTextContent("a"), mcp.NewTextContent("b")}}, "a\nb"},
		{"pointers", &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "a"}, (*mcp.TextContent)(nil),
			&mcp.ImageContent{Data: "AAAA", MIMEType: "image/png"}}},
			"a\n[Binary Content: Image image/png, 3 bytes]\nThe task is complete and the content accessible to the User"},
		{"resource link", &mcp.CallToolResult{Content: []mcp.Content{mcp.NewResourceLink("file:///x", "x", "", "")}},
			"[Resource link: file:///x]"},
		{"only content the model cannot use", &mcp.CallToolResult{Content: []mcp.Content{mcp.ToolUseContent{Type: "tool_use"}}},
			"[No content]"},
		{"embedded resource without contents", &mcp.CallToolResult{Content: []mcp.Content{mcp.EmbeddedResource{Type: "resource"}}},
			"[No content]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := flattenResult(tc.res); got != tc.want {
				t.Errorf("flattenResult = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestFlattenKeepsOneCopy(t *testing.T) {
	text := strings.Repeat("x", 1<<16)
	got := flattenResult(&mcp.CallToolResult{Content: []mcp.Content{mcp.NewTextContent(text)}})
	if got != text {
		t.Fatal("wrong text")
	}
	if allocs := testing.AllocsPerRun(10, func() {
		flattenResult(&mcp.CallToolResult{Content: []mcp.Content{mcp.NewTextContent(text)}})
	}); allocs > 2 {
		t.Errorf("flattening one text part took %v allocations, want no copy", allocs)
	}
}

// fuzzSeeds are tool results of every shape, as servers send them.
var fuzzSeeds = []string{
	`{"content":[{"type":"text","text":"hello"}]}`,
	`{"content":[{"type":"text","text":"caf\u00e9 \ud83d\ude00"},{"type":"text","text":""}]}`,
	`{"content":[{"type":"image","data":"iVBORw0KGgo=","mimeType":"image/png"}]}`,
	`{"content":[{"type":"audio","data":"UklGRg==","mimeType":"audio/wav"}]}`,
	`{"content":[{"type":"resource_link","uri":"file:///a.txt","name":"a.txt","mimeType":"text/plain"}]}`,
	`{"content":[{"type":"resource","resource":{"uri":"file:///a.txt","mimeType":"text/plain","text":"alpha"}}]}`,
	`{"content":[{"type":"resource","resource":{"uri":"file:///b.bin","mimeType":"application/octet-stream","blob":"AAAA"}}]}`,
	`{"content":[]}`,
	`{"content":[{"type":"text","text":"bad input"}],"isError":true}`,
	`{"content":[{"type":"text","text":"{\"a\":1}"}],"structuredContent":{"a":1}}`,
	`{"content":[{"type":"image","data":"=","mimeType":"x"},{"type":"tool_use","id":"1","name":"n","input":{}}]}`,
	`{"content":[{"type":"text","text":"` + strings.Repeat("abcdé", 50) + `"}]}`,
}

func FuzzFlattenResult(f *testing.F) {
	for i, s := range fuzzSeeds {
		f.Add([]byte(s), uint16(i*7))
	}
	f.Fuzz(func(t *testing.T, data []byte, limit uint16) {
		var res mcp.CallToolResult
		if json.Unmarshal(data, &res) != nil {
			return
		}
		raw := json.RawMessage(data)
		if parsed, err := mcp.ParseCallToolResult(&raw); err == nil {
			flattenResult(parsed)
		}
		full := flattenResult(&res)
		for _, lim := range []int{int(limit), DefaultToolResultLimit} {
			got := capResult(full, lim)
			if len(full) <= lim {
				if got != full {
					t.Fatalf("a result within the limit %d was changed", lim)
				}
				continue
			}
			i := strings.LastIndex(got, "\n[... ")
			if i < 0 {
				t.Fatalf("limit %d: no marker in a cut result", lim)
			}
			body, marker := got[:i], got[i:]
			if len(body) > lim || !strings.HasPrefix(full, body) || len(body) < lim-(utf8.UTFMax-1) {
				t.Fatalf("limit %d: cut to %d bytes of %d", lim, len(body), len(full))
			}
			if len(marker) > 150 {
				t.Fatalf("marker %q", marker)
			}
			if utf8.ValidString(full) && !utf8.ValidString(got) {
				t.Fatalf("limit %d: valid UTF-8 cut into invalid", lim)
			}
		}
	})
}

func TestFuzzSeedsAreResults(t *testing.T) {
	for _, s := range fuzzSeeds {
		var res mcp.CallToolResult
		if err := json.Unmarshal([]byte(s), &res); err != nil {
			t.Errorf("seed %s: %v", s, err)
		}
	}
}
