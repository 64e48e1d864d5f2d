package jsonschema_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// TestMetaschemasLoadOnFirstCompiler checks the tiny-agents patch: with the
// metaschemas compiled on the first NewCompiler call instead of at init,
// schemas are still checked against them (an invalid schema is refused)
// and instances are still validated, from many goroutines at once.
func TestMetaschemasLoadOnFirstCompiler(t *testing.T) {
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := jsonschema.NewCompiler()
			bad, _ := jsonschema.UnmarshalJSON(strings.NewReader(`{"type": 5}`))
			if err := c.AddResource("bad.json", bad); err != nil {
				t.Error(err)
				return
			}
			if _, err := c.Compile("bad.json"); err == nil {
				t.Error(`{"type": 5} compiled: the metaschema was not applied`)
			}
			good, _ := jsonschema.UnmarshalJSON(strings.NewReader(`{"type":"object","required":["path"],"properties":{"path":{"type":"string"}}}`))
			if err := c.AddResource("good.json", good); err != nil {
				t.Error(err)
				return
			}
			sch, err := c.Compile("good.json")
			if err != nil {
				t.Error(err)
				return
			}
			ok, _ := jsonschema.UnmarshalJSON(strings.NewReader(`{"path":"a"}`))
			missing, _ := jsonschema.UnmarshalJSON(strings.NewReader(`{}`))
			if err := sch.Validate(ok); err != nil {
				t.Error(err)
			}
			if err := sch.Validate(missing); err == nil {
				t.Error("an instance without the required property passed")
			}
		}()
	}
	wg.Wait()
}
