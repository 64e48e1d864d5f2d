package mcpclient_test

import (
	"context"
	"strings"
	"testing"

	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

func TestElicitationAcceptDefaults(t *testing.T) {
	for name, cfg := range map[string]func(t *testing.T) mcpclient.ServerConfig{
		"stdio": func(*testing.T) mcpclient.ServerConfig { return stdioConfig("e") },
		"http":  httpConfig,
	} {
		t.Run(name, func(t *testing.T) {
			var asked []string
			c, err := mcpclient.New(mcpclient.WithElicitationHandler(func(ctx context.Context, req mcpclient.ElicitationRequest) (mcpclient.ElicitationResult, error) {
				asked = append(asked, req.Message)
				return mcpclient.AcceptDefaults(ctx, req)
			}))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if err := c.AddServer(t.Context(), cfg(t)); err != nil {
				t.Fatal(err)
			}
			out, err := c.CallTool(t.Context(), "ask_user", nil)
			if err != nil {
				t.Fatal(err)
			}
			if out != `accept {"age":36,"name":"Ada"}` || len(asked) != 1 || asked[0] != "Who are you?" {
				t.Errorf("result %q, asked %v", out, asked)
			}
		})
	}
}

func TestElicitationWithoutHandlerFailsTheTool(t *testing.T) {
	c, _ := newClient(t)
	if err := c.AddServer(t.Context(), stdioConfig("n")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CallTool(t.Context(), "ask_user", nil); err == nil || !strings.Contains(err.Error(), "ask_user") {
		t.Errorf("err = %v, want the call to fail: no elicitation capability", err)
	}
	if _, err := c.CallTool(t.Context(), "no_such_tool", nil); err == nil {
		t.Error("unknown tool: no error")
	}
}
