package inference_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/tiny-agents-go/tiny-agents/inference"
)

// withSecrets returns base with a password in its userinfo and a key in
// its query, as a caller may write a base URL.
func withSecrets(base string) string {
	return strings.Replace(base, "http://", "http://user:s3cret@", 1) + "/v1?api_key=s3cret2"
}

// checkNoSecret fails the test if what (an error message, an op) holds
// either secret of withSecrets.
func checkNoSecret(t *testing.T, name, what string) {
	t.Helper()
	if what == "" {
		t.Errorf("%s: empty, want an error", name)
	}
	if strings.Contains(what, "s3cret") || strings.Contains(what, "user@") {
		t.Errorf("%s leaks a secret: %s", name, what)
	}
}

func TestErrorsHideURLSecrets(t *testing.T) {
	status500 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		http.Error(w, `{"error":"boom"}`, http.StatusInternalServerError)
	}))
	defer status500.Close()
	// A stream cut short, and an empty answer to the other calls.
	truncated := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if strings.Contains(string(body), `"stream":true`) {
			w.Header().Set("Content-Type", "text/event-stream")
			io.WriteString(w, sseChunk("cut"))
		}
	}))
	defer truncated.Close()
	servers := map[string]string{"500": status500.URL, "dead port": deadURL(t), "stream cut short": truncated.URL}
	for name, base := range servers {
		t.Run(name, func(t *testing.T) {
			var mu sync.Mutex
			var retries []inference.RetryInfo
			c := newClient(t, inference.WithBaseURL(withSecrets(base)), inference.WithMaxRetries(1),
				inference.WithRetryHook(func(ri inference.RetryInfo) { mu.Lock(); retries = append(retries, ri); mu.Unlock() }))
			in := &inference.ChatCompletionInput{Messages: userMessage("hi")}
			_, err := c.ChatCompletion(t.Context(), in)
			checkNoSecret(t, "chat", errString(err))
			_, err = collect(c.ChatCompletionStream(t.Context(), in))
			checkNoSecret(t, "chat stream", errString(err))
			_, err = c.TextClassification(t.Context(), "hi", nil, inference.Model(withSecrets(base)))
			checkNoSecret(t, "text classification", errString(err))
			_, err = c.TextToImage(t.Context(), "a cat", nil, inference.Model(withSecrets(base)))
			checkNoSecret(t, "text to image", errString(err))
			_, err = c.ImageClassification(t.Context(), inference.FromURL(withSecrets(base)+"&x=.png"), nil, inference.Model(base))
			checkNoSecret(t, "input download", errString(err))
			mu.Lock()
			defer mu.Unlock()
			for _, ri := range retries {
				checkNoSecret(t, "retry op", ri.Op)
				checkNoSecret(t, "retry error", errString(ri.Err))
			}
		})
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// TestIdleTimeoutHidesURLSecrets stalls a stream past the idle timeout.
func TestIdleTimeoutHidesURLSecrets(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		hc := servePipe(t, streamThen(hang))
		c := newClient(t, inference.WithBaseURL(withSecrets(pipeURL)), inference.WithHTTPClient(hc), inference.WithIdleTimeout(idle))
		_, err := collect(c.ChatCompletionStream(t.Context(), &inference.ChatCompletionInput{Messages: userMessage("hi")}))
		if !isIdleTimeoutErr(err) {
			t.Fatalf("err = %v, want an idle timeout", err)
		}
		checkNoSecret(t, "idle timeout", err.Error())
	})
}

func isIdleTimeoutErr(err error) bool {
	return err != nil && strings.Contains(err.Error(), "(idle timeout)")
}

func TestOptionErrorsHideURLSecrets(t *testing.T) {
	u := withSecrets("http://127.0.0.1:9")
	tests := map[string][]inference.Option{
		"model and base URL": {inference.WithModel(u), inference.WithBaseURL(u)},
		"URL with provider":  {inference.WithModel(u), inference.WithProvider("groq")},
		"bad proxy":          {inference.WithProxy("http://user:s3cret@[::1/?k=s3cret2")},
	}
	for name, opts := range tests {
		_, err := inference.NewClient(opts...)
		checkNoSecret(t, name, errString(err))
	}
}
