package main

import (
	"net"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/server/servertest"

	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
	"github.com/tiny-agents-go/tiny-agents/internal/mcptest"
	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

// extraToolsServer is the test binary as a stdio server with the environ
// and big tools too.
func extraToolsServer(name string) mcpclient.ServerConfig {
	srv := stdioServer(name)
	srv.Env[mcptest.EnvExtraTools] = "1"
	return srv
}

func TestStdioServerEnvironment(t *testing.T) {
	llm := inferencetest.NewServer(t,
		inferencetest.ToolCalls(call("c1", "environ", `{}`)),
		inferencetest.ToolCalls(call("c2", "task_complete", `{}`)))
	srv := extraToolsServer("s")
	srv.Env["OWN_SETTING"] = "from-agent-json"
	srv.EnvPassthrough = []string{"PASSED_ON"}
	dir := writeAgent(t, llm.URL, srv)
	r := runCLIEnv(t, []string{"HF_TOKEN=hf_must_not_leak", "AWS_SECRET_ACCESS_KEY=aws-must-not-leak",
		"PASSED_ON=yes-by-name", "UNRELATED=no"}, "", "run", dir, "-o", "json", "-p", "show the environment")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	var env string
	for _, l := range decodeLines(t, r.stdout) {
		if l.Type == "tool_result" && l.Name == "environ" {
			env = "\n" + l.Content + "\n"
		}
	}
	for _, want := range []string{"\nPATH=", "\nHOME=", "\nPASSED_ON=yes-by-name\n", "\nOWN_SETTING=from-agent-json\n"} {
		if !strings.Contains(env, want) {
			t.Errorf("the server's environment lacks %q:\n%s", strings.TrimSpace(want), env)
		}
	}
	for _, leaked := range []string{"\nHF_TOKEN=", "\nAWS_SECRET_ACCESS_KEY=", "\nUNRELATED="} {
		if strings.Contains(env, leaked) {
			t.Errorf("the server got %s:\n%s", strings.TrimSpace(leaked), env)
		}
	}
}

// planted are secrets put in every position of an agent.json.
var planted = []string{"plant-env-1111", "plant-hdr-2222", "plant-urlpw-3333", "plant-urlq-4444",
	"plant-apikey-5555", "plant-eppw-6666", "plant-epq-7777", "plant-input-8888", "hf_plantedtoken9999"}

func TestPlantedSecretsNeverPrinted(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	ln.Close()
	env := []string{"HF_TOKEN=hf_plantedtoken9999", "SECRET_INPUT=plant-input-8888"}
	inputs := []any{map[string]any{"id": "secret-input", "password": true}}
	envServer := func() mcpclient.ServerConfig {
		srv := extraToolsServer("s")
		srv.Env["API_TOKEN"] = "plant-env-1111"
		srv.Env["FROM_INPUT"] = "${input:secret-input}"
		return srv
	}
	httpServer := map[string]any{"type": "http", "url": "http://u:plant-urlpw-3333@" + dead + "/mcp?key=plant-urlq-4444",
		"headers": map[string]string{"Authorization": "Bearer plant-hdr-2222"}}
	leak := "leaking " + strings.Join(planted, " ") + " now"

	tests := map[string]func(t *testing.T) map[string]any{
		"a server that cannot be reached": func(t *testing.T) map[string]any {
			llm := inferencetest.NewServer(t)
			return map[string]any{"model": "m", "endpointUrl": llm.URL + "/v1", "apiKey": "plant-apikey-5555",
				"inputs": inputs, "servers": []any{envServer(), httpServer}}
		},
		"a model that echoes every secret, then fails": func(t *testing.T) map[string]any {
			llm := inferencetest.NewServer(t,
				inferencetest.Step{Text: []string{leak[:30], leak[30:70], leak[70:]},
					ToolCalls: []inferencetest.ToolCall{call("c1", "env", `{"name":"API_TOKEN"}`)}},
				inferencetest.HTTPError(400, `{"error":"bad key `+strings.Join(planted, ",")+`"}`))
			endpoint := strings.Replace(llm.URL, "http://", "http://u:plant-eppw-6666@", 1) + "/v1?k=plant-epq-7777"
			mcp := servertest.NewTestStreamableHTTPServer(mcptest.NewServer("h"))
			t.Cleanup(mcp.Close)
			live := map[string]any{"type": "http", "name": "live",
				"url":     strings.Replace(mcp.URL, "http://", "http://u:plant-urlpw-3333@", 1) + "/mcp?key=plant-urlq-4444",
				"headers": map[string]string{"Authorization": "Bearer plant-hdr-2222"}}
			return map[string]any{"model": "m", "endpointUrl": endpoint, "apiKey": "plant-apikey-5555",
				"inputs": inputs, "servers": []any{envServer(), live}}
		},
	}
	for name, cfg := range tests {
		t.Run(name, func(t *testing.T) {
			for _, extra := range [][]string{{}, {"-o", "json"}, {"-v"}} {
				dir := writeAgentWith(t, cfg(t))
				r := runCLIEnv(t, env, "go\n", append([]string{"run", dir}, extra...)...)
				if r.code != 1 {
					t.Errorf("%v: exit %d, want a runtime failure\n%s", extra, r.code, r.stderr)
				}
				for _, s := range planted {
					if strings.Contains(r.stdout+r.stderr, s) {
						t.Errorf("%v: %q was printed:\nstdout:\n%s\nstderr:\n%s", extra, s, r.stdout, r.stderr)
					}
				}
			}
		})
	}
}

func TestBigToolResultCappedForTheModel(t *testing.T) {
	llm := inferencetest.NewServer(t,
		inferencetest.ToolCalls(call("c1", "big", `{"size":100000000,"unit":"0123456789\n"}`)),
		inferencetest.ToolCalls(call("c2", "task_complete", `{}`)))
	dir := writeAgent(t, llm.URL, extraToolsServer("s"))
	r := runCLI(t, "", "run", dir, "-p", "fetch it")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr[:min(len(r.stderr), 2000)])
	}
	if n := len(r.stderr); n > 16<<10 {
		t.Errorf("the terminal got %d bytes of tool trail for a 100 MB result", n)
	}
	if !strings.Contains(r.stderr, "not shown]") {
		t.Errorf("the terminal does not say how much it left out:\n%s", r.stderr)
	}
	body := string(llm.Request(1).Body)
	if len(body) > 80<<10 || !strings.Contains(body, "more bytes cut") {
		t.Errorf("the model got %d bytes for the tool result", len(body))
	}

	// The JSON event says how big the whole result was.
	llm = inferencetest.NewServer(t,
		inferencetest.ToolCalls(call("c1", "big", `{"size":1000000}`)),
		inferencetest.ToolCalls(call("c2", "task_complete", `{}`)))
	dir = writeAgent(t, llm.URL, extraToolsServer("s"))
	r = runCLI(t, "", "run", dir, "-p", "fetch it", "-o", "json")
	for _, l := range decodeLines(t, r.stdout) {
		if l.Type == "tool_result" && l.Name == "big" && (l.Bytes != 1000000 || len(l.Content) > 70<<10) {
			t.Errorf("tool_result: bytes %d, content %d bytes", l.Bytes, len(l.Content))
		}
	}
}
