// Command service is a Go HTTP service that serves an agent beside its own
// routes: the agent's OpenAI-compatible API is mounted under /agent/, and
// the service keeps /status for itself. The agent's servers are connected
// once and shared by every request; each request is its own conversation.
//
//	service -addr 127.0.0.1:8080                  # HF_TOKEN, the Hugging Face router
//	service -offline -addr 127.0.0.1:8080         # a scripted model: no token, no network
//	curl http://127.0.0.1:8080/agent/v1/chat/completions -d '{"messages":[{"role":"user","content":"hi"}]}'
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/tiny-agents-go/tiny-agents/agent"
	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, nil); err != nil {
		fmt.Fprintln(os.Stderr, "service:", err)
		os.Exit(1)
	}
}

// run serves until ctx ends. ready, if not nil, receives the address once
// the service listens.
func run(ctx context.Context, args []string, stdout io.Writer, ready chan<- string) error {
	fs := flag.NewFlagSet("service", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	model := fs.String("model", "Qwen/Qwen3-235B-A22B-Instruct-2507", "Hub model id")
	offline := fs.Bool("offline", false, "answer from a local scripted model (no token, no network)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg := &agent.Config{Model: *model, Prompt: "You answer questions about the files of this folder.",
		Servers: []mcpclient.ServerConfig{{Type: mcpclient.TransportBuiltin, Name: "filesystem", Args: []string{"."}}}}
	if *offline {
		tb := &inferencetest.Standalone{}
		defer tb.Close()
		llm := inferencetest.NewServer(tb)
		llm.Always(inferencetest.Text("(offline) ", "hello from the agent"))
		cfg.EndpointURL = llm.URL + "/v1"
	}
	a, err := agent.New(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()

	mux := http.NewServeMux()
	mux.Handle("/agent/", http.StripPrefix("/agent", agent.NewHandler(a, agent.HandlerOptions{MaxConcurrent: 32})))
	mux.HandleFunc("GET /status", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintf(w, "agent with %d tools\n", len(a.Tools()))
	})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "serving on http://%s (agent under /agent/)\n", ln.Addr())
	if ready != nil {
		ready <- ln.Addr().String()
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
