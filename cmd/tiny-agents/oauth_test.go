package main

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tiny-agents-go/tiny-agents/mcpclient"

	"github.com/tiny-agents-go/tiny-agents/internal/mcptest"
)

// testAuthorizer is a browserAuthorizer whose browser does nothing.
func testAuthorizer(t *testing.T) (*browserAuthorizer, *mcptest.SyncBuffer) {
	t.Helper()
	t.Setenv("BROWSER", "true")
	var stderr mcptest.SyncBuffer
	b := newBrowserAuthorizer(newStreams(&app{stdout: io.Discard, stderr: &stderr}))
	t.Cleanup(func() { b.Close() })
	return b, &stderr
}

// visit plays the browser coming back to redirect with query q.
func visit(t *testing.T, redirect string, q url.Values) (int, string) {
	t.Helper()
	resp, err := http.Get(redirect + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func authRequest(state string) *mcpclient.AuthorizationRequest {
	return &mcpclient.AuthorizationRequest{Server: "notes", ServerURL: "https://mcp.example.com/mcp",
		URL: "https://as.example.com/authorize?client_id=c&state=" + state, Reason: "the saved sign-in could not be renewed"}
}

func TestBrowserAuthorizer(t *testing.T) {
	b, stderr := testAuthorizer(t)
	redirect, err := b.RedirectURI(t.Context())
	if err != nil || !strings.HasPrefix(redirect, "http://127.0.0.1:") || !strings.HasSuffix(redirect, "/callback") {
		t.Fatalf("RedirectURI = %q, %v", redirect, err)
	}
	if again, _ := b.RedirectURI(t.Context()); again != redirect {
		t.Errorf("RedirectURI changed: %q, then %q", redirect, again)
	}
	type result struct {
		back string
		err  error
	}
	done := make(chan result, 1)
	go func() {
		back, err := b.Authorize(t.Context(), authRequest("s1"))
		done <- result{back, err}
	}()
	waitFor(t, stderr, "waiting for the sign-in")
	for _, want := range []string{`server "notes" (https://mcp.example.com/mcp) asks you to sign in: the saved sign-in could not be renewed`,
		"\n  https://as.example.com/authorize?client_id=c&state=s1\n"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
	// A request for another sign-in does not end this one.
	if code, _ := visit(t, redirect, url.Values{"code": {"x"}, "state": {"forged"}}); code != http.StatusBadRequest {
		t.Errorf("a stray callback got %d, want 400", code)
	}
	code, page := visit(t, redirect, url.Values{"code": {"c1"}, "state": {"s1"}})
	if code != http.StatusOK || !strings.Contains(page, "close this tab") {
		t.Errorf("callback: %d\n%s", code, page)
	}
	r := <-done
	if r.err != nil || r.back != redirect+"?code=c1&state=s1" {
		t.Errorf("Authorize = %q, %v", r.back, r.err)
	}
	if code, _ := visit(t, redirect, url.Values{"code": {"c1"}, "state": {"s1"}}); code != http.StatusBadRequest {
		t.Errorf("a second callback got %d, want 400", code)
	}
}

func TestBrowserAuthorizerOneAtATime(t *testing.T) {
	b, stderr := testAuthorizer(t)
	redirect, _ := b.RedirectURI(t.Context())
	var wg sync.WaitGroup
	for _, state := range []string{"a", "b"} {
		wg.Go(func() {
			if _, err := b.Authorize(t.Context(), authRequest(state)); err != nil {
				t.Error(err)
			}
		})
	}
	waitFor(t, stderr, "waiting for the sign-in")
	time.Sleep(50 * time.Millisecond) // the other, if it were not waiting its turn, would say so now
	if n := strings.Count(stderr.String(), "asks you to sign in"); n != 1 {
		t.Fatalf("%d sign-ins asked at once:\n%s", n, stderr.String())
	}
	first := "a"
	if !strings.Contains(stderr.String(), "state=a") {
		first = "b"
	}
	visit(t, redirect, url.Values{"code": {"1"}, "state": {first}})
	second := map[string]string{"a": "b", "b": "a"}[first]
	waitFor(t, stderr, "state="+second)
	visit(t, redirect, url.Values{"code": {"2"}, "state": {second}})
	wg.Wait()
}

func TestBrowserAuthorizerGivesUp(t *testing.T) {
	b, _ := testAuthorizer(t)
	b.timeout = 100 * time.Millisecond
	if _, err := b.Authorize(t.Context(), authRequest("s")); err == nil || !strings.Contains(err.Error(), "within 100ms") {
		t.Errorf("after the timeout: %v", err)
	}
	b.timeout = time.Minute
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(50*time.Millisecond, cancel)
	if _, err := b.Authorize(ctx, authRequest("s")); !errors.Is(err, context.Canceled) {
		t.Errorf("after cancel: %v", err)
	}
	b.Close()
	if _, err := b.RedirectURI(t.Context()); err == nil {
		t.Error("RedirectURI after Close succeeded")
	}
}

func TestBrowserCommand(t *testing.T) {
	t.Setenv("BROWSER", "firefox --new-tab")
	if cmd, _ := browserCommand("http://x/?a=1"); strings.Join(cmd.Args, " ") != "firefox --new-tab http://x/?a=1" {
		t.Errorf("args %q", cmd.Args)
	}
	t.Setenv("BROWSER", "open -a Safari %s --fresh")
	if cmd, _ := browserCommand("http://x/"); strings.Join(cmd.Args, " ") != "open -a Safari http://x/ --fresh" {
		t.Errorf("args %q", cmd.Args)
	}
	t.Setenv("BROWSER", "")
	t.Setenv("PATH", t.TempDir())
	if cmd, what := browserCommand("http://x/"); cmd != nil || !strings.Contains(what, "BROWSER is not set") {
		t.Errorf("without an opener: %v, %q", cmd, what)
	}
}
