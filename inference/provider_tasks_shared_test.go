package inference_test

import (
	"context"
	"encoding/base64"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
)

// compatPNG and compatMP4 are the first bytes of a PNG image and of an MP4
// video, enough for content sniffing.
var (
	compatPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR fake image")
	compatMP4 = []byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom fake video")
	// compatRaw sniffs as nothing in particular.
	compatRaw = []byte{0x00, 0x01, 0x02, 0xfe}
)

// compatB64 is standard base64.
func compatB64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// compatWant is what one request should be. An empty body means no body
// at all; contentType "-" means no Content-Type header.
type compatWant struct {
	method, path, query, auth, contentType, body string
}

// compatCheck asserts the request's method, path, query, Authorization,
// Content-Type and, for a JSON body, the whole body.
func compatCheck(t *testing.T, got recorded, want compatWant) {
	t.Helper()
	if got.Method != want.method || got.Path != want.path || got.Query != want.query {
		t.Errorf("request = %s %s?%s, want %s %s?%s", got.Method, got.Path, got.Query, want.method, want.path, want.query)
	}
	if a := got.Header.Get("Authorization"); a != want.auth {
		t.Errorf("%s %s: Authorization = %q, want %q", got.Method, got.Path, a, want.auth)
	}
	ct, wantCT := got.Header.Get("Content-Type"), want.contentType
	if wantCT == "-" {
		wantCT = ""
	}
	if ct != wantCT {
		t.Errorf("%s %s: Content-Type = %q, want %q", got.Method, got.Path, ct, wantCT)
	}
	if want.body == "" {
		if len(got.Body) != 0 {
			t.Errorf("%s %s: unexpected body %s", got.Method, got.Path, got.Body)
		}
		return
	}
	sameJSONBody(t, got.Body, want.body)
}

// compatPost is a JSON POST of body to path.
func compatPost(path, auth, body string) compatWant {
	return compatWant{method: "POST", path: path, auth: auth, contentType: "application/json", body: body}
}

// compatGet is a GET of path?query without body or Content-Type.
func compatGet(path, query, auth string) compatWant {
	return compatWant{method: "GET", path: path, query: query, auth: auth, contentType: "-"}
}

// compatRequests returns the fake's requests, failing unless there are n.
func compatRequests(t *testing.T, fake *fakeAPI, n int) []recorded {
	t.Helper()
	reqs := fake.Requests()
	if len(reqs) != n {
		for _, r := range reqs {
			t.Logf("got %s %s?%s", r.Method, r.Path, r.Query)
		}
		t.Fatalf("fake got %d requests, want %d", len(reqs), n)
	}
	return reqs
}

// compatBlob asserts a media output.
func compatBlob(t *testing.T, b *inference.Blob, err error, data []byte, contentType string) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	if string(b.Data) != string(data) || b.ContentType != contentType {
		t.Errorf("blob = %q (%s), want %q (%s)", b.Data, b.ContentType, data, contentType)
	}
}

// compatResponseError asserts a *ResponseError naming task and provider.
func compatResponseError(t *testing.T, err error, task inference.Task, provider string) {
	t.Helper()
	var re *inference.ResponseError
	if !errors.As(err, &re) {
		t.Fatalf("err = %v (%T), want a *ResponseError", err, err)
	}
	if re.Task != task || re.Provider != "provider "+provider {
		t.Errorf("ResponseError names %s / %s, want %s / provider %s", re.Task, re.Provider, task, provider)
	}
	if !strings.Contains(err.Error(), string(task)) || !strings.Contains(err.Error(), provider) {
		t.Errorf("error %q does not name %s and %s", err, task, provider)
	}
}

// compatIsJobFailed asserts a failed asynchronous job.
func compatIsJobFailed(t *testing.T, err error, provider string) {
	t.Helper()
	if !errors.Is(err, inference.ErrJobFailed) {
		t.Fatalf("err = %v, want ErrJobFailed", err)
	}
	if !strings.Contains(err.Error(), provider) {
		t.Errorf("error %q does not name %s", err, provider)
	}
	if strings.Count(err.Error(), "inference:") != 1 {
		t.Errorf("error %q says \"inference:\" more than once", err)
	}
}

// compatDeadline runs call with a short deadline and asserts that it
// ended with a timeout after polling the job at least once.
func compatDeadline(t *testing.T, fake *fakeAPI, call func(ctx context.Context) error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	err := call(ctx)
	if !errors.Is(err, inference.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want a deadline timeout", err)
	}
	if n := len(fake.Requests()); n < 2 {
		t.Errorf("%d requests: the job was never polled", n)
	}
}

// compatProviderURLs returns the URLs requests were built for, leaving out
// the loopback ones (the fake Hub, result downloads).
func compatProviderURLs(doer *loopbackDoer) []string {
	var out []string
	for _, s := range doer.URLs() {
		if u, err := url.Parse(s); err == nil && u.Hostname() != "127.0.0.1" {
			out = append(out, s)
		}
	}
	return out
}

// compatDirectURL asserts that the first request to a provider was built
// for the provider's own https API at route.
func compatDirectURL(t *testing.T, doer *loopbackDoer, provider, route string) {
	t.Helper()
	urls := compatProviderURLs(doer)
	if len(urls) == 0 {
		t.Fatal("no request for the provider's host")
	}
	if want := inference.DirectBaseURL(provider) + route; urls[0] != want {
		t.Errorf("URL = %s, want %s", urls[0], want)
	}
	if u, err := url.Parse(urls[0]); err != nil || u.Scheme != "https" || u.Hostname() == "" {
		t.Errorf("direct URL %s is not the provider's https host", urls[0])
	}
}

// compatRoutedClientID is routedClient with another provider model id.
func compatRoutedClientID(t *testing.T, fake *fakeAPI, provider string, task inference.Task, providerID string, opts ...inference.Option) *inference.Client {
	t.Helper()
	hub := inferencetest.NewHub(t, inferencetest.Model{
		ID:       "org/model",
		Mappings: []inferencetest.Mapping{{Provider: provider, ProviderID: providerID, Task: string(task)}},
	})
	base := []inference.Option{
		inference.WithProvider(provider), inference.WithModel("org/model"), inference.WithToken("hf_test"),
		inference.WithRouterURL(fake.URL), inference.WithHubURL(hub.URL), inference.WithMaxRetries(0),
	}
	return newClient(t, append(base, opts...)...)
}

// compatCompletion is an OpenAI completions answer with one choice.
const compatCompletion = `{"id":"cmpl-1","object":"text_completion","created":1,"model":"provider-model-id",
	"choices":[{"index":0,"text":" world","finish_reason":"length","seed":42,"logprobs":null}],
	"usage":{"prompt_tokens":1,"completion_tokens":5,"total_tokens":6}}`

// compatCheckCompletion asserts the TGI output made of compatCompletion.
func compatCheckCompletion(t *testing.T, out *inference.TextGenerationOutput, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	if out.GeneratedText != " world" || out.Details == nil || out.Details.FinishReason != "length" ||
		out.Details.Seed == nil || *out.Details.Seed != 42 {
		t.Errorf("out = %+v, details %+v", out, out.Details)
	}
}

// compatEmbeddingsAnswer is an OpenAI embeddings answer for two inputs.
const compatEmbeddingsAnswer = `{"object":"list","model":"provider-model-id","data":[
	{"object":"embedding","index":0,"embedding":[0.5,-1.25,3]},
	{"object":"embedding","index":1,"embedding":[1,2,-0.5]}],"usage":{"prompt_tokens":2,"total_tokens":2}}`

// compatCheckEmbeddings asserts the Embeddings made of compatEmbeddingsAnswer.
func compatCheckEmbeddings(t *testing.T, e *inference.Embeddings, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{0.5, -1.25, 3, 1, 2, -0.5}
	if len(e.Shape) != 2 || e.Shape[0] != 2 || e.Shape[1] != 3 || len(e.Values) != len(want) {
		t.Fatalf("embeddings = %+v", e)
	}
	for i := range want {
		if e.Values[i] != want[i] {
			t.Errorf("Values = %v, want %v", e.Values, want)
			break
		}
	}
}
