package inferencetest_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// fakeTB records what a fake reports, so tests can check the failures a
// real test would get, and runs cleanups when told to.
type fakeTB struct {
	mu       sync.Mutex
	errors   []string
	cleanups []func()
}

func (*fakeTB) Helper() {}

func (f *fakeTB) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}

func (f *fakeTB) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }

// finish runs the cleanups, last registered first, and returns the errors
// reported so far.
func (f *fakeTB) finish() []string {
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
	f.cleanups = nil
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.errors...)
}

// post sends body to url+"/v1/chat/completions" and returns the response.
func post(ctx context.Context, t *testing.T, url, body string) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url+"/v1/chat/completions", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	return http.DefaultClient.Do(req)
}

// mustPost is post that fails the test on a transport error.
func mustPost(t *testing.T, url, body string) *http.Response {
	t.Helper()
	resp, err := post(t.Context(), t, url, body)
	if err != nil {
		t.Fatalf("POST: %v", err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// events reads server-sent events and returns their data fields. It checks
// that every event is a single data line followed by a blank line. The
// error is the read error that ended the stream, nil at a clean EOF.
func events(t *testing.T, r io.Reader) ([]string, error) {
	t.Helper()
	sc := bufio.NewScanner(r)
	var out []string
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok {
			t.Fatalf("line %q after %d events: want data: ...", sc.Text(), len(out))
		}
		out = append(out, line)
		if !sc.Scan() {
			break
		}
		if sc.Text() != "" {
			t.Fatalf("event %d is followed by %q, want a blank line", len(out), sc.Text())
		}
	}
	return out, sc.Err()
}

// sameJSON fails the test unless got and want decode to equal values.
func sameJSON(t *testing.T, name, got, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("%s: invalid JSON %s: %v", name, got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("%s: bad want %s: %v", name, want, err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s:\n got %s\nwant %s", name, got, want)
	}
}

// sameEvents compares event data one by one: JSON as JSON, [DONE] as text.
func sameEvents(t *testing.T, got, want []string) {
	t.Helper()
	for i := range max(len(got), len(want)) {
		switch {
		case i >= len(got):
			t.Errorf("event %d missing, want %s", i, want[i])
		case i >= len(want):
			t.Errorf("extra event %d: %s", i, got[i])
		case want[i] == "[DONE]" || got[i] == "[DONE]":
			if got[i] != want[i] {
				t.Errorf("event %d = %s, want %s", i, got[i], want[i])
			}
		default:
			sameJSON(t, fmt.Sprintf("event %d", i), got[i], want[i])
		}
	}
}

func jsonMarshal(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}
