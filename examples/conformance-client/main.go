// Command conformance-client is the MCP client that `make conformance` runs
// under the official MCP conformance suite. The suite appends the test
// server's URL as the last argument, names the scenario in
// MCP_CONFORMANCE_SCENARIO and, for some auth scenarios, passes
// credentials in MCP_CONFORMANCE_CONTEXT. The client connects over
// streamable HTTP with mcpclient, signing in with mcpclient's OAuth
// support where the server asks for it, answers elicitations with the
// schema's defaults, lists the tools and calls the one the scenario is
// about.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

// scenarioCalls names the tool call each scenario checks, with arguments.
var scenarioCalls = map[string]struct {
	tool string
	args map[string]any
}{
	"tools_call":                          {"add_numbers", map[string]any{"a": 2, "b": 3}},
	"elicitation-sep1034-client-defaults": {"test_client_elicitation_defaults", nil},
	"sse-retry":                           {"test_reconnection", nil},
}

// clientMetadataURL is the client ID metadata document the suite expects
// a client to name where the authorization server accepts them.
const clientMetadataURL = "https://conformance-test.local/client-metadata.json"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: conformance-client [flags] SERVER_URL")
		os.Exit(2)
	}
	if err := run(ctx, os.Args[len(os.Args)-1], os.Getenv("MCP_CONFORMANCE_SCENARIO")); err != nil {
		fmt.Fprintln(os.Stderr, "conformance-client:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, url, scenario string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	auth, err := authConfig(os.Getenv("MCP_CONFORMANCE_CONTEXT"))
	if err != nil {
		return err
	}
	c, err := mcpclient.New(mcpclient.WithElicitationHandler(mcpclient.AcceptDefaults),
		mcpclient.WithAuthorizer(userAgent{}))
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.AddServer(ctx, mcpclient.ServerConfig{Type: mcpclient.TransportHTTP, URL: url, Auth: auth}); err != nil {
		return err
	}
	fmt.Printf("scenario %q: %d tools\n", scenario, len(c.Tools()))
	call, ok := scenarioCalls[scenario]
	if !ok {
		// Other scenarios need no more than initialize and tools/list, or
		// (auth/*) the test-tool call after authorisation.
		for _, t := range c.Tools() {
			if t.Function.Name == "test-tool" {
				call.tool = "test-tool"
			}
		}
		if call.tool == "" {
			return nil
		}
	}
	out, err := c.CallTool(ctx, call.tool, call.args)
	if err != nil {
		return err
	}
	fmt.Printf("%s: %s\n", call.tool, out)
	return nil
}

// authConfig reads the scenario's context, if any, into the server's
// OAuth configuration.
func authConfig(raw string) (*mcpclient.AuthConfig, error) {
	auth := &mcpclient.AuthConfig{ClientMetadataURL: clientMetadataURL}
	if raw == "" {
		return auth, nil
	}
	var sc struct {
		ClientID         string `json:"client_id"`
		ClientSecret     string `json:"client_secret"`
		PrivateKeyPEM    string `json:"private_key_pem"`
		IDPClientID      string `json:"idp_client_id"`
		IDPIDToken       string `json:"idp_id_token"`
		IDPTokenEndpoint string `json:"idp_token_endpoint"`
	}
	if err := json.Unmarshal([]byte(raw), &sc); err != nil {
		return nil, fmt.Errorf("MCP_CONFORMANCE_CONTEXT: %w", err)
	}
	auth.ClientID, auth.ClientSecret, auth.PrivateKeyPEM = sc.ClientID, sc.ClientSecret, sc.PrivateKeyPEM
	auth.IDPClientID, auth.IDToken, auth.IDPTokenURL = sc.IDPClientID, sc.IDPIDToken, sc.IDPTokenEndpoint
	return auth, nil
}

// userAgent plays the user's browser: it visits the authorization URL and,
// instead of following the authorization server's redirect to the
// loopback redirect URI, returns where it points.
type userAgent struct{}

func (userAgent) RedirectURI(context.Context) (string, error) {
	return "http://localhost:3000/callback", nil
}

func (userAgent) Authorize(ctx context.Context, req *mcpclient.AuthorizationRequest) (string, error) {
	r, err := http.NewRequestWithContext(ctx, http.MethodGet, req.URL, nil)
	if err != nil {
		return "", err
	}
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Do(r)
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	loc, err := resp.Location()
	if err != nil {
		return "", errors.Join(fmt.Errorf("authorization endpoint answered %s without a redirect", resp.Status), err)
	}
	return loc.String(), nil
}
