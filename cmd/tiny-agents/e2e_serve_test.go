package main

import (
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
)

// listeningRE finds the address serve prints once it is ready.
var listeningRE = regexp.MustCompile(`listening on (http://[0-9.:]+)\n`)

// startServe runs `serve` with args and waits for its listening line; it
// returns the process and the server's URL.
func startServe(t *testing.T, env []string, args ...string) (*proc, string) {
	t.Helper()
	p := startProc(t, env, append([]string{"serve"}, args...)...)
	deadline := time.Now().Add(10 * time.Second)
	for {
		if m := listeningRE.FindStringSubmatch(p.stdout.String()); m != nil {
			return p, m[1]
		}
		select {
		case <-p.exited:
			t.Fatalf("serve exited with %d\nstdout:\n%s\nstderr:\n%s", p.code, p.stdout.String(), p.stderr.String())
		case <-time.After(5 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve never listened\nstdout:\n%s\nstderr:\n%s", p.stdout.String(), p.stderr.String())
		}
	}
}

// chat posts a chat completion request and returns the status and body.
func chat(t *testing.T, url, body string, header ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url+"/v1/chat/completions", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

const streamHello = `{"model":"x","stream":true,"messages":[{"role":"user","content":"say hello"}]}`

func TestServeEndToEnd(t *testing.T) {
	llm := inferencetest.NewServer(t, roundTrip()...)
	dir := writeAgent(t, llm.URL, stdioServer("s"))
	p, url := startServe(t, nil, dir, "--addr", "127.0.0.1:0")
	out := p.stdout.String()
	banner := strings.Index(out, "Agent loaded with 12 tools:\n- ")
	if banner < 0 || !strings.Contains(out, "\n- echo") || banner > strings.Index(out, "listening on http://127.0.0.1:") {
		t.Errorf("stdout: %q", out)
	}
	children := childPIDs(p.cmd.Process.Pid)
	status, body := chat(t, url, streamHello)
	for _, want := range []string{`"content":"Tool[echo] c1\necho: hello"`, `"role":"tool"`, `"content":"Done"`,
		`"name":"task_complete"`, "data: [DONE]\n\n"} {
		if !strings.Contains(body, want) {
			t.Errorf("the stream lacks %q:\n%s", want, body)
		}
	}
	if status != 200 || !strings.HasSuffix(body, "data: [DONE]\n\n") {
		t.Errorf("status %d, body:\n%s", status, body)
	}
	p.signal(t, syscall.SIGTERM)
	if code := p.wait(t, 5*time.Second); code != 143 {
		t.Errorf("exit %d, want 143\nstderr:\n%s", code, p.stderr.String())
	}
	if len(children) == 0 {
		t.Fatal("found no MCP child to check")
	}
	assertGone(t, children)
}

func TestServeSignals(t *testing.T) {
	for _, tt := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, 130}, {syscall.SIGHUP, 129}} {
		t.Run(tt.sig.String(), func(t *testing.T) {
			t.Parallel()
			dir := writeAgent(t, inferencetest.NewServer(t).URL, stdioServer("s"))
			p, _ := startServe(t, nil, dir, "--addr", "127.0.0.1:0")
			children := childPIDs(p.cmd.Process.Pid)
			p.signal(t, tt.sig)
			if code := p.wait(t, 5*time.Second); code != tt.code {
				t.Errorf("exit %d, want %d\nstderr:\n%s", code, tt.code, p.stderr.String())
			}
			assertGone(t, children)
		})
	}
}

func TestServeShutdownGrace(t *testing.T) {
	t.Run("a request that finishes in time", func(t *testing.T) {
		llm := inferencetest.NewServer(t, inferencetest.Step{Text: []string{"late", " answer"}, Delay: 500 * time.Millisecond})
		dir := writeAgent(t, llm.URL, stdioServer("s"))
		p, url := startServe(t, nil, dir, "--addr", "127.0.0.1:0")
		got := make(chan string, 1)
		go func() { _, body := chat(t, url, streamHello); got <- body }()
		waitRequests(t, llm, 1)
		p.signal(t, syscall.SIGTERM)
		if code := p.wait(t, 5*time.Second); code != 143 {
			t.Errorf("exit %d, want 143\nstderr:\n%s", code, p.stderr.String())
		}
		if body := <-got; !strings.Contains(body, `"content":" answer"`) || !strings.HasSuffix(body, "data: [DONE]\n\n") {
			t.Errorf("the running request did not finish:\n%s", body)
		}
		if !strings.Contains(p.stderr.String(), "letting 1 running requests finish") {
			t.Errorf("stderr:\n%s", p.stderr.String())
		}
	})
	t.Run("a request that does not", func(t *testing.T) {
		llm := inferencetest.NewServer(t)
		llm.Always(inferencetest.Stalled(1, "thinking", "forever"))
		dir := writeAgent(t, llm.URL, stdioServer("s"))
		p, url := startServe(t, nil, dir, "--addr", "127.0.0.1:0", "--shutdown-grace", "200ms")
		children := childPIDs(p.cmd.Process.Pid)
		got := make(chan string, 1)
		go func() { _, body := chat(t, url, streamHello); got <- body }()
		waitRequests(t, llm, 1)
		type reply struct {
			status int
			body   string
		}
		plain := make(chan reply, 1)
		go func() {
			body := strings.NewReader(strings.Replace(streamHello, `"stream":true`, `"stream":false`, 1))
			resp, err := http.Post(url+"/v1/chat/completions", "application/json", body)
			if err != nil {
				plain <- reply{0, err.Error()}
				return
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			plain <- reply{resp.StatusCode, string(b)}
		}()
		waitRequests(t, llm, 2)
		start := time.Now()
		p.signal(t, syscall.SIGTERM)
		if code := p.wait(t, 5*time.Second); code != 143 {
			t.Errorf("exit %d, want 143\nstderr:\n%s", code, p.stderr.String())
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("took %s to exit with a 200ms grace", d)
		}
		if body := <-got; strings.Contains(body, "[DONE]") || !strings.Contains(body, `"code":"cancelled"`) {
			t.Errorf("a cancelled stream did not end with an error event:\n%s", body)
		}
		if r := <-plain; r.status != http.StatusServiceUnavailable || !strings.Contains(r.body, `"code":"cancelled"`) {
			t.Errorf("a cancelled request got %d %s, want a 503 that says so", r.status, r.body)
		}
		assertGone(t, children)
	})
}

// waitRequests polls until the fake model has seen n requests.
func waitRequests(t *testing.T, llm *inferencetest.Server, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(llm.Requests()) < n {
		if time.Now().After(deadline) {
			t.Fatalf("the model saw %d requests, want %d", len(llm.Requests()), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestServeBusyPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	addr := ln.Addr().String()
	dir := writeAgent(t, inferencetest.NewServer(t).URL, stdioServer("s"))
	r := runCLI(t, "", "serve", dir, "--addr", addr)
	if r.code != 1 || !strings.Contains(r.stderr, "cannot listen on "+addr+": the address is already in use") {
		t.Errorf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if strings.Contains(r.stdout, "Agent loaded") {
		t.Errorf("the agent was started before the port was checked:\n%s", r.stdout)
	}
}

func TestServeAPIKeyAndPortFromEnvironment(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	llm := inferencetest.NewServer(t, inferencetest.Text("hi there"))
	dir := writeAgent(t, llm.URL, stdioServer("s"))
	p, url := startServe(t, []string{"TINY_AGENTS_API_KEY=e2e-s3cret-key", "PORT=" + port}, dir)
	if url != "http://127.0.0.1:"+port {
		t.Errorf("listening on %s, want port %s from PORT", url, port)
	}
	body := `{"messages":[{"role":"user","content":"hi"}]}`
	if status, b := chat(t, url, body); status != 401 || !strings.Contains(b, "missing API key") {
		t.Errorf("without the key: %d %s", status, b)
	}
	if status, b := chat(t, url, body, "Authorization", "Bearer wrong"); status != 401 {
		t.Errorf("with a wrong key: %d %s", status, b)
	}
	if status, b := chat(t, url, body, "Authorization", "Bearer e2e-s3cret-key"); status != 200 || !strings.Contains(b, `"content":"hi there"`) {
		t.Errorf("with the key: %d %s", status, b)
	}
	p.signal(t, syscall.SIGTERM)
	p.wait(t, 5*time.Second)
	if strings.Contains(p.stdout.String()+p.stderr.String(), "e2e-s3cret-key") {
		t.Errorf("the key was printed:\n%s\n%s", p.stdout.String(), p.stderr.String())
	}
}

func TestServeUsageErrors(t *testing.T) {
	dir := writeAgent(t, inferencetest.NewServer(t).URL)
	for _, tt := range []struct {
		name string
		env  []string
		args []string
		want string
	}{
		{"bad --addr", nil, []string{"--addr", "localhost"}, `--addr "localhost": want HOST:PORT`},
		{"bad PORT", []string{"PORT=http"}, nil, `PORT="http" is not a port number`},
		{"bad --max-body", nil, []string{"--max-body", "4 parsecs"}, "unknown unit"},
		{"bad --max-concurrent", nil, []string{"--max-concurrent", "0"}, "--max-concurrent must be at least 1"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLIEnv(t, tt.env, "", append([]string{"serve", dir}, tt.args...)...)
			if r.code != 2 || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("exit %d, stderr:\n%s", r.code, r.stderr)
			}
		})
	}
}

// TestServeRedactsSecrets: what serve sends a client holds none of the
// run's secrets, as run's output does not: here the model's endpoint
// quotes the token back in its error.
func TestServeRedactsSecrets(t *testing.T) {
	const token = "hf_serve_e2e_token_42"
	llm := inferencetest.NewServer(t, inferencetest.HTTPError(400, `{"error":{"message":"bad credentials Bearer `+token+`"}}`))
	p, url := startServe(t, []string{"HF_TOKEN=" + token}, writeAgent(t, llm.URL))
	status, b := chat(t, url, `{"messages":[{"role":"user","content":"hi"}]}`)
	if status != http.StatusBadGateway || strings.Contains(b, token) || !strings.Contains(b, "[redacted]") {
		t.Errorf("status %d, body %s; want a 502 with the token redacted", status, b)
	}
	p.signal(t, syscall.SIGTERM)
	p.wait(t, 5*time.Second)
}
