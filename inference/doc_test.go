package inference

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestDocTableMatchesRegistry fails when the provider table of doc.go and
// the registry disagree on a provider or its chat route.
func TestDocTableMatchesRegistry(t *testing.T) {
	src, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile(`(?m)^//\t([a-z-]+)\s+(/\S+)`)
	documented := map[string]string{}
	for _, m := range row.FindAllStringSubmatch(string(src), -1) {
		documented[m[1]] = m[2]
	}
	for _, name := range Providers() {
		chat, ok := providers[name].tasks[TaskConversational]
		if !ok {
			continue
		}
		route := chat.route("{model}")
		if got, ok := documented[name]; !ok {
			t.Errorf("provider %s is missing from the doc table", name)
		} else if got != route {
			t.Errorf("doc table gives %s the route %s, the registry %s", name, got, route)
		}
		delete(documented, name)
	}
	for name := range documented {
		if !strings.HasPrefix(name, "provider") {
			t.Errorf("doc table lists %s, which the registry does not have", name)
		}
	}
}
