package main

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tiny-agents-go/tiny-agents/agent"
	"github.com/tiny-agents-go/tiny-agents/internal/procgroup"
	"github.com/tiny-agents-go/tiny-agents/internal/tokenfile"
	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

// signInTimeout bounds the wait for the browser to come back.
const signInTimeout = 5 * time.Minute

// signInOpts give the agent the saved tokens, and the browser when a
// person can be asked.
func signInOpts(st *streams, cfg *agent.Config, opts *agentOptions) []agent.Option {
	var out []mcpclient.Option
	if store, err := tokenfile.Open(); err == nil {
		out = append(out, mcpclient.WithTokenStore(store))
	} else if slices.ContainsFunc(cfg.Servers, mcpclient.ServerConfig.Remote) {
		st.warn("sign-ins to MCP servers are kept for this run only: " + plainMessage(err))
	}
	if canAsk(st, opts) {
		out = append(out, mcpclient.WithAuthorizer(st.app.authorizer(st)))
	}
	return []agent.Option{agent.WithClientOptions(out...)}
}

// canAsk reports whether a person may be asked to sign in.
func canAsk(st *streams, opts *agentOptions) bool {
	switch opts.signIn {
	case signInAlways:
		return true
	case signInNever:
		return false
	}
	return st.inTTY || st.errTTY
}

// signInError is a sign-in that failed, or that nobody could be asked
// for, while the agent started; it knows the command that signs in.
type signInError struct {
	err   error
	login string // `tiny-agents auth login ...` for this agent
	why   string // why nobody was asked
}

func (e *signInError) Error() string { return e.err.Error() }
func (e *signInError) Unwrap() error { return e.err }

// signInFailed wraps err when it is a sign-in's.
func signInFailed(st *streams, opts *agentOptions, err error) error {
	if !errors.Is(err, mcpclient.ErrAuthorizationRequired) && !errors.As(err, new(*mcpclient.AuthError)) {
		return err
	}
	why := "stdin and stderr are not terminals"
	if opts.signIn == signInNever {
		why = "serve asks nobody"
	} else if canAsk(st, opts) {
		why = ""
	}
	return &signInError{err: err, login: loginCommand(opts), why: why}
}

// loginCommand is the `auth login` command line for the agent of opts.
func loginCommand(opts *agentOptions) string {
	parts := []string{"tiny-agents", "auth", "login"}
	if opts.Agent != "" {
		parts = append(parts, shellQuote(opts.Agent))
	}
	for _, m := range opts.MCPConfigs {
		parts = append(parts, "--mcp-config", shellQuote(m))
	}
	return strings.Join(parts, " ")
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./~:@%+=,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// signInFailure is the message and hint of a failed sign-in (err wraps
// an *mcpclient.AuthError); msg is its plain message.
func signInFailure(err error, msg string) (string, string) {
	login := "tiny-agents auth login AGENT"
	why := ""
	var sie *signInError
	if errors.As(err, &sie) {
		login, why = sie.login, sie.why
	}
	var perm *tokenfile.PermissionError
	var ae *mcpclient.AuthError
	errors.As(err, &ae)
	switch {
	case errors.Is(err, mcpclient.ErrAuthorizationRequired):
		var se *mcpclient.ServerError
		if errors.As(err, &se) {
			msg = fmt.Sprintf("server %q requires you to sign in", se.Server)
			if why != "" {
				msg += ", and nobody can be asked here: " + why
			}
		}
		return msg, "sign in at a terminal first with `" + login + "`: later runs use the saved sign-in, serve and scripts included"
	case errors.As(err, &perm):
		return msg, "`tiny-agents auth list` shows every saved sign-in and its file"
	case ae != nil && (ae.Op == "discovery" || ae.Op == "registration"):
		return msg, `check the server's url; a server that takes a key instead of a sign-in gets it in "headers" ("Authorization": "Bearer ...")`
	}
	return msg, "sign in again at a terminal with `" + login + "`; `tiny-agents auth logout SERVER-URL` forgets a saved sign-in"
}

// browserAuthorizer is the mcpclient.Authorizer of a person at a terminal:
// it says on stderr which server wants a sign-in and why, opens the
// authorization URL in the browser (or asks the person to), and waits for
// the browser to come back to a loopback listener. The listener is bound
// on first use and kept until Close, so that the redirect URI stays the
// same for the whole process. Sign-ins are asked one at a time.
type browserAuthorizer struct {
	st      *streams
	timeout time.Duration
	turn    chan struct{} // held for a whole sign-in: servers connect in parallel

	mu       sync.Mutex
	srv      *http.Server
	served   chan struct{} // closed when srv.Serve returns
	redirect string        // http://127.0.0.1:PORT/callback once listening
	waiting  *pendingSignIn
	closed   bool
}

// pendingSignIn is the sign-in the listener waits for.
type pendingSignIn struct {
	state string      // the state of its authorization URL; "" takes any
	back  chan string // gets the URL the browser came back to
}

func newBrowserAuthorizer(st *streams) *browserAuthorizer {
	return &browserAuthorizer{st: st, timeout: signInTimeout, turn: make(chan struct{}, 1)}
}

// RedirectURI returns http://127.0.0.1:PORT/callback, listening on it
// first if need be.
func (b *browserAuthorizer) RedirectURI(context.Context) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return "", errors.New("the sign-in listener is closed")
	}
	if b.redirect != "" {
		return b.redirect, nil
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("listening for the browser on 127.0.0.1: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /callback", b.callback)
	b.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	b.served = make(chan struct{})
	b.redirect = "http://" + ln.Addr().String() + "/callback"
	go func() {
		defer close(b.served)
		b.srv.Serve(ln)
	}()
	return b.redirect, nil
}

// Close stops the listener, if it was started, and waits for it.
func (b *browserAuthorizer) Close() error {
	b.mu.Lock()
	b.closed = true
	srv, served := b.srv, b.served
	b.mu.Unlock()
	if srv == nil {
		return nil
	}
	err := srv.Close()
	<-served
	return err
}

// Authorize has the person sign in at req.URL and returns the URL the
// browser came back to. It gives up after the timeout or when ctx ends.
func (b *browserAuthorizer) Authorize(ctx context.Context, req *mcpclient.AuthorizationRequest) (string, error) {
	select {
	case b.turn <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-b.turn }()
	if _, err := b.RedirectURI(ctx); err != nil {
		return "", err
	}
	p := &pendingSignIn{state: stateOf(req.URL), back: make(chan string, 1)}
	b.setWaiting(p)
	defer b.setWaiting(nil)

	b.announce(req)
	opened := b.openBrowser(req.URL)
	timer := time.NewTimer(b.timeout)
	defer timer.Stop()
	for {
		select {
		case back := <-p.back:
			return back, nil
		case err := <-opened:
			opened = nil
			if err != nil {
				b.st.warn(fmt.Sprintf("the browser did not open (%s); open the address above yourself", err))
			}
		case <-timer.C:
			return "", fmt.Errorf("no sign-in came back from the browser within %s", b.timeout)
		case <-ctx.Done():
			return "", context.Cause(ctx)
		}
	}
}

func (b *browserAuthorizer) setWaiting(p *pendingSignIn) {
	b.mu.Lock()
	b.waiting = p
	b.mu.Unlock()
}

// announce says on stderr who asks for a sign-in, why, and where.
func (b *browserAuthorizer) announce(req *mcpclient.AuthorizationRequest) {
	msg := fmt.Sprintf("server %q (%s) asks you to sign in", req.Server, req.ServerURL)
	if req.Reason != "" {
		msg += ": " + req.Reason
	}
	b.st.notice(msg)
	b.st.noticeURL("open this address in your browser if it does not open by itself:", req.URL)
	b.st.notice(fmt.Sprintf("waiting for the sign-in (up to %s; Ctrl+C gives up)", b.timeout))
}

// callback takes the browser back from the authorization server: the
// query must answer the sign-in under way (its state), so that a stray
// request cannot end it.
func (b *browserAuthorizer) callback(w http.ResponseWriter, r *http.Request) {
	b.mu.Lock()
	p := b.waiting
	if p != nil && (p.state == "" || r.URL.Query().Get("state") == p.state) {
		b.waiting = nil
	} else {
		p = nil
	}
	redirect := b.redirect
	b.mu.Unlock()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if p == nil {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, page("Nothing to do here", "tiny-agents is not waiting for this sign-in. You can close this tab."))
		return
	}
	u, _ := url.Parse(redirect)
	u.RawQuery = r.URL.RawQuery
	p.back <- u.String()
	if e := r.URL.Query().Get("error"); e != "" {
		fmt.Fprint(w, page("Sign-in refused", "The sign-in was refused ("+e+"). You can close this tab and go back to the terminal."))
		return
	}
	fmt.Fprint(w, page("Signed in", "tiny-agents has your sign-in. You can close this tab and go back to the terminal."))
}

// page is the short HTML page the browser shows at the end.
func page(title, text string) string {
	return "<!doctype html>\n<meta charset=\"utf-8\">\n<title>tiny-agents: " + html.EscapeString(title) +
		"</title>\n<body style=\"font-family: sans-serif; margin: 3em\">\n<h1>" + html.EscapeString(title) +
		"</h1>\n<p>" + html.EscapeString(text) + "</p>\n"
}

// stateOf is the state parameter of an authorization URL.
func stateOf(authURL string) string {
	u, err := url.Parse(authURL)
	if err != nil {
		return ""
	}
	return u.Query().Get("state")
}

// openBrowser starts the browser on u, as $BROWSER does for many CLIs:
// the command in BROWSER with u as its last argument (or in place of %s),
// else the system's opener. It returns a channel that gets the outcome
// once the command ends, or the reason it could not start.
func (b *browserAuthorizer) openBrowser(u string) <-chan error {
	done := make(chan error, 1)
	cmd, what := browserCommand(u)
	if cmd == nil {
		done <- errors.New(what)
		return done
	}
	// Its own process group: a Ctrl+C at the terminal must not close
	// a browser this started.
	procgroup.Own(cmd)
	if err := cmd.Start(); err != nil {
		done <- fmt.Errorf("%s: %w", what, err)
		return done
	}
	// A browser that keeps running keeps this goroutine until it ends;
	// nothing waits for it.
	go func() {
		if err := cmd.Wait(); err != nil {
			done <- fmt.Errorf("%s: %w", what, err)
		}
		close(done)
	}()
	return done
}

// browserCommand is the command that opens u, and how to name it in a
// message; a nil command when there is none.
func browserCommand(u string) (*exec.Cmd, string) {
	if b := strings.Fields(os.Getenv("BROWSER")); len(b) > 0 {
		args, placed := b[1:], false
		for i, a := range args {
			if strings.Contains(a, "%s") {
				args[i], placed = strings.ReplaceAll(a, "%s", u), true
			}
		}
		if !placed {
			args = append(args, u)
		}
		return exec.Command(b[0], args...), "BROWSER=" + os.Getenv("BROWSER")
	}
	var name string
	var args []string
	switch runtime.GOOS {
	case "darwin":
		name = "open"
	case "windows":
		name, args = "rundll32", []string{"url.dll,FileProtocolHandler"}
	default:
		name = "xdg-open"
	}
	if _, err := exec.LookPath(name); err != nil {
		return nil, "no " + name + " here, and BROWSER is not set"
	}
	return exec.Command(name, append(args, u)...), name
}
