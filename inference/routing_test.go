package inference_test

import (
	"errors"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
	"github.com/tiny-agents-go/tiny-agents/internal/version"
)

// chatRoutes is each provider's chat path after its base URL, as the
// references send it.
var chatRoutes = map[string]string{
	"baseten":        "/v1/chat/completions",
	"cerebras":       "/v1/chat/completions",
	"cohere":         "/compatibility/v1/chat/completions",
	"deepinfra":      "/v1/openai/chat/completions",
	"featherless-ai": "/v1/chat/completions",
	"fireworks-ai":   "/inference/v1/chat/completions",
	"groq":           "/openai/v1/chat/completions",
	"hf-inference":   "/models/provider-model-id/v1/chat/completions",
	"hyperbolic":     "/v1/chat/completions",
	"nebius":         "/v1/chat/completions",
	"novita":         "/v3/openai/chat/completions",
	"nscale":         "/v1/chat/completions",
	"openai":         "/v1/chat/completions",
	"ovhcloud":       "/v1/chat/completions",
	"publicai":       "/v1/chat/completions",
	"sambanova":      "/v1/chat/completions",
	"scaleway":       "/v1/chat/completions",
	"together":       "/v1/chat/completions",
	"zai-org":        "/api/paas/v4/chat/completions",
}

// chatProviders are the providers that serve chat.
func chatProviders() []string {
	var out []string
	for _, p := range inference.Providers() {
		if slices.Contains(inference.SupportedTasks(p), inference.TaskConversational) {
			out = append(out, p)
		}
	}
	return out
}

func TestEveryProviderHasARoute(t *testing.T) {
	var got []string
	for _, p := range chatProviders() {
		got = append(got, p)
		if _, ok := chatRoutes[p]; !ok {
			t.Errorf("provider %s has no expected route in this test", p)
		}
	}
	if len(got) != len(chatRoutes) {
		t.Errorf("Providers() = %v, want the %d of chatRoutes", got, len(chatRoutes))
	}
}

// TestChatRoutingPerProvider asserts, for every chat provider and for both
// kinds of key, the exact URL, headers and body sent, and that the answer
// parses.
func TestChatRoutingPerProvider(t *testing.T) {
	for _, p := range chatProviders() {
		for _, key := range []string{"hf_routertoken", "provider-own-key"} {
			t.Run(p+"/"+key, func(t *testing.T) {
				if p == "openai" && key == "hf_routertoken" {
					t.Skip("openai refuses Hugging Face tokens; TestOpenAIProvider covers it")
				}
				testProviderRoute(t, p, key)
			})
		}
	}
}

func testProviderRoute(t *testing.T, provider, key string) {
	srv := inferencetest.NewServer(t, inferencetest.Text("Hello"))
	hub := hubWith(t, provider)
	doer := newLoopbackDoer(t, srv.URL)
	model := "org/model"
	if provider == "openai" {
		model = "openai/provider-model-id"
	}
	c := newClient(t, inference.WithModel(model), inference.WithProvider(provider), inference.WithToken(key),
		inference.WithHubURL(hub.URL), inference.WithRouterURL(srv.URL+"/router"),
		inference.WithBillTo("my-org"), inference.WithHTTPClient(doer))
	out, err := c.ChatCompletion(t.Context(), &inference.ChatCompletionInput{Messages: userMessage("hi"), MaxTokens: inference.Ptr(16)})
	if err != nil {
		t.Fatalf("ChatCompletion: %v", err)
	}
	if got := out.Choices[0].Message.Content; got != "Hello" {
		t.Errorf("content = %q, want Hello", got)
	}

	viaRouter := strings.HasPrefix(key, "hf_") || provider == "hf-inference"
	wantURL := inference.DirectBaseURL(provider) + chatRoutes[provider]
	if viaRouter {
		wantURL = srv.URL + "/router/" + provider + chatRoutes[provider]
	}
	urls := doer.URLs()
	if got := urls[len(urls)-1]; got != wantURL {
		t.Errorf("URL = %s, want %s", got, wantURL)
	}
	if !viaRouter && !strings.HasPrefix(wantURL, "https://") {
		t.Errorf("direct URL %s is not https", wantURL)
	}

	req := srv.Request(0)
	wantHeader := http.Header{
		"Authorization": {"Bearer " + key},
		"Content-Type":  {"application/json"},
		"User-Agent":    {"tiny-agents-go/" + version.Version + "; go/" + goVersion()},
		"X-Hf-Bill-To":  {"my-org"},
	}
	if provider == "zai-org" {
		wantHeader["Accept-Language"] = []string{"en-US,en"}
		wantHeader["X-Source-Channel"] = []string{"hugging_face"}
	}
	for k, v := range wantHeader {
		if got := req.Header.Values(k); !reflect.DeepEqual(got, v) {
			t.Errorf("header %s = %q, want %q", k, got, v)
		}
	}
	wantBody := `{"model":"provider-model-id","messages":[{"role":"user","content":"hi"}],"max_tokens":16,"stream":false}`
	if string(req.Body) != wantBody {
		t.Errorf("body = %s\nwant   %s", req.Body, wantBody)
	}
	wantHub := 1
	if provider == "openai" {
		wantHub = 0
	}
	if got := hub.Count("/api/models/org/model"); got != wantHub {
		t.Errorf("hub lookups = %d, want %d", got, wantHub)
	}
}

func TestOpenAIProviderRefusesHFToken(t *testing.T) {
	c := newClient(t, inference.WithModel("gpt-4o"), inference.WithProvider("openai"), inference.WithToken("hf_x"))
	_, err := c.ChatCompletion(t.Context(), &inference.ChatCompletionInput{Messages: userMessage("hi")})
	if err == nil || !strings.Contains(err.Error(), "own API key") {
		t.Errorf("err = %v, want a refusal of the Hugging Face token", err)
	}
}

func TestAutoRouter(t *testing.T) {
	srv := inferencetest.NewServer(t, inferencetest.Text("ok"))
	hub := inferencetest.NewHub(t)
	c := newClient(t, inference.WithToken("hf_tok"), inference.WithRouterURL(srv.URL), inference.WithHubURL(hub.URL))
	_, err := c.ChatCompletion(t.Context(), &inference.ChatCompletionInput{Model: "org/model:fastest", Messages: userMessage("hi")})
	if err != nil {
		t.Fatal(err)
	}
	req := srv.Request(0)
	if req.Path != "/v1/chat/completions" {
		t.Errorf("path = %s", req.Path)
	}
	if got := req.JSON(t)["model"]; got != "org/model:fastest" {
		t.Errorf("model = %v, want the id with its suffix", got)
	}
	if n := len(hub.Requests()); n != 0 {
		t.Errorf("the auto router made %d Hub requests, want none", n)
	}

	c = newClient(t, inference.WithModel("org/model"), inference.WithToken("sk-other"), inference.WithRouterURL(srv.URL))
	if _, err := c.ChatCompletion(t.Context(), &inference.ChatCompletionInput{Messages: userMessage("hi")}); err == nil ||
		!strings.Contains(err.Error(), "auto router needs a Hugging Face token") {
		t.Errorf("provider key with auto: err = %v", err)
	}
	c = newClient(t, inference.WithModel("org/model"), inference.WithRouterURL(srv.URL))
	if _, err := c.ChatCompletion(t.Context(), &inference.ChatCompletionInput{Messages: userMessage("hi")}); !errors.Is(err, inference.ErrNoToken) {
		t.Errorf("no token: err = %v, want ErrNoToken", err)
	}
}

func TestURLModel(t *testing.T) {
	srv := inferencetest.NewServer(t, inferencetest.Text("a"), inferencetest.Text("b"), inferencetest.Text("c"))
	for i, opt := range []inference.Option{
		inference.WithBaseURL(srv.URL + "/v1"),
		inference.WithModel(srv.URL),
		inference.WithModel(srv.URL + "/v1/chat/completions"),
	} {
		c := newClient(t, opt)
		if _, err := c.ChatCompletion(t.Context(), &inference.ChatCompletionInput{Model: "local-model", Messages: userMessage("hi")}); err != nil {
			t.Fatal(err)
		}
		req := srv.Request(i)
		if req.Path != "/v1/chat/completions" {
			t.Errorf("%d: path = %s", i, req.Path)
		}
		if got := req.JSON(t)["model"]; got != "local-model" {
			t.Errorf("%d: model = %v", i, got)
		}
		if got := req.Header.Get("Authorization"); got != "" {
			t.Errorf("%d: Authorization %q sent with no token", i, got)
		}
	}
}

func TestMappingLookup(t *testing.T) {
	srv := inferencetest.NewServer(t, inferencetest.Text("1"), inferencetest.Text("2"))
	hub := inferencetest.NewHub(t,
		inferencetest.Model{ID: "org/object-form", ObjectForm: true, Mappings: []inferencetest.Mapping{
			{Provider: "groq", ProviderID: "groq-id", Task: "conversational"}}},
		inferencetest.Model{ID: "org/embedder", Mappings: []inferencetest.Mapping{
			{Provider: "groq", ProviderID: "e", Task: "feature-extraction"}}},
		inferencetest.Model{ID: "org/elsewhere", Mappings: []inferencetest.Mapping{
			{Provider: "together", ProviderID: "t", Task: "conversational"}}},
	)
	c := newClient(t, inference.WithProvider("groq"), inference.WithToken("hf_x"),
		inference.WithHubURL(hub.URL), inference.WithRouterURL(srv.URL))
	ctx := t.Context()
	for range 2 {
		if _, err := c.ChatCompletion(ctx, &inference.ChatCompletionInput{Model: "org/object-form", Messages: userMessage("hi")}); err != nil {
			t.Fatal(err)
		}
	}
	if got := hub.Count("/api/models/org/object-form"); got != 1 {
		t.Errorf("hub lookups = %d, want 1 (cached)", got)
	}
	if got := srv.Request(1).JSON(t)["model"]; got != "groq-id" {
		t.Errorf("model = %v, want groq-id", got)
	}

	_, err := c.ChatCompletion(ctx, &inference.ChatCompletionInput{Model: "org/embedder", Messages: userMessage("hi")})
	if !errors.Is(err, inference.ErrTaskNotSupported) || !strings.Contains(err.Error(), "feature-extraction") {
		t.Errorf("task mismatch: err = %v", err)
	}
	_, err = c.ChatCompletion(ctx, &inference.ChatCompletionInput{Model: "org/elsewhere", Messages: userMessage("hi")})
	if !errors.Is(err, inference.ErrModelNotMapped) || !strings.Contains(err.Error(), "together") {
		t.Errorf("unmapped: err = %v", err)
	}
	_, err = c.ChatCompletion(ctx, &inference.ChatCompletionInput{Model: "org/missing", Messages: userMessage("hi")})
	var he *inference.HTTPError
	if !errors.As(err, &he) || he.StatusCode != 404 || he.RequestID == "" || !strings.Contains(err.Error(), "org/missing") {
		t.Errorf("missing model: err = %v", err)
	}
}

func TestNewClientRejectsInvalidCombinations(t *testing.T) {
	tests := map[string]struct {
		opts []inference.Option
		want error
	}{
		"model and base URL":    {[]inference.Option{inference.WithModel("a/b"), inference.WithBaseURL("http://127.0.0.1:1")}, inference.ErrInvalidOption},
		"URL with provider":     {[]inference.Option{inference.WithModel("http://127.0.0.1:1"), inference.WithProvider("groq")}, inference.ErrInvalidOption},
		"unknown provider":      {[]inference.Option{inference.WithProvider("nope")}, inference.ErrUnknownProvider},
		"token and API key":     {[]inference.Option{inference.WithToken("a"), inference.WithAPIKey("b")}, inference.ErrInvalidOption},
		"proxy and HTTP client": {[]inference.Option{inference.WithProxy("http://127.0.0.1:3128"), inference.WithHTTPClient(http.DefaultClient)}, inference.ErrInvalidOption},
		"bad base URL":          {[]inference.Option{inference.WithBaseURL("127.0.0.1:1")}, inference.ErrInvalidOption},
		"negative timeout":      {[]inference.Option{inference.WithTimeout(-1)}, inference.ErrInvalidOption},
		"negative retries":      {[]inference.Option{inference.WithMaxRetries(-1)}, inference.ErrInvalidOption},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := inference.NewClient(tt.opts...)
			if !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
	if _, err := inference.NewClient(inference.WithModel("http://127.0.0.1:1"), inference.WithProvider("hf-inference")); err != nil {
		t.Errorf("URL with hf-inference is allowed, got %v", err)
	}
}

func TestProviderNotServingTask(t *testing.T) {
	// Every provider here serves chat; ask for an unknown task through the
	// exported listing instead.
	if got := inference.SupportedTasks("nope"); got != nil {
		t.Errorf("SupportedTasks(nope) = %v", got)
	}
	if got := inference.SupportedTasks("cerebras"); !reflect.DeepEqual(got, []inference.Task{inference.TaskConversational}) {
		t.Errorf("SupportedTasks(cerebras) = %v", got)
	}
	if got := inference.SupportedTasks("groq"); !reflect.DeepEqual(got, []inference.Task{inference.TaskConversational, inference.TaskTextGeneration}) {
		t.Errorf("SupportedTasks(groq) = %v", got)
	}
}

func TestTokenAndEndpointsFromEnvironment(t *testing.T) {
	srv := inferencetest.NewServer(t, inferencetest.Text("ok"))
	hub := hubWith(t, "groq")
	t.Setenv("HF_TOKEN", "hf_fromenv")
	t.Setenv("HF_ENDPOINT", hub.URL)
	t.Setenv("HF_ROUTER_URL", srv.URL+"/r/")
	c, err := inference.NewClient(inference.WithModel("org/model"), inference.WithProvider("groq"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ChatCompletion(t.Context(), &inference.ChatCompletionInput{Messages: userMessage("hi")}); err != nil {
		t.Fatal(err)
	}
	req := srv.Request(0)
	if req.Path != "/r/groq/openai/v1/chat/completions" || req.Header.Get("Authorization") != "Bearer hf_fromenv" {
		t.Errorf("path %s, auth %q", req.Path, req.Header.Get("Authorization"))
	}
	if hub.Count("/api/models/org/model") != 1 {
		t.Error("HF_ENDPOINT was not used for the mapping")
	}
	if got := hub.Requests()[0].Header.Get("Authorization"); got != "Bearer hf_fromenv" {
		t.Errorf("hub auth = %q", got)
	}
}

func TestHeadersCookiesUserAgent(t *testing.T) {
	srv := inferencetest.NewServer(t, inferencetest.Text("ok"))
	c := newClient(t, inference.WithBaseURL(srv.URL), inference.WithAPIKey("sk-local"),
		inference.WithHeader("X-Trace", "t1"), inference.WithHeaders(map[string]string{"X-Team": "a"}),
		inference.WithCookies(&http.Cookie{Name: "session", Value: "s1"}), inference.WithUserAgent("my-app/2"))
	if _, err := c.ChatCompletion(t.Context(), &inference.ChatCompletionInput{Messages: userMessage("hi")}); err != nil {
		t.Fatal(err)
	}
	h := srv.Request(0).Header
	for k, want := range map[string]string{"X-Trace": "t1", "X-Team": "a", "Cookie": "session=s1",
		"User-Agent": "my-app/2", "Authorization": "Bearer sk-local"} {
		if got := h.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
}

func TestProxy(t *testing.T) {
	proxy := inferencetest.NewServer(t, inferencetest.Text("via proxy"))
	c := newClient(t, inference.WithBaseURL("http://127.0.0.2:9/v1"), inference.WithProxy(proxy.URL))
	out, err := c.ChatCompletion(t.Context(), &inference.ChatCompletionInput{Messages: userMessage("hi")})
	if err != nil {
		t.Fatal(err)
	}
	if out.Choices[0].Message.Content != "via proxy" || proxy.Request(0).Path != "/v1/chat/completions" {
		t.Errorf("proxy saw %s, answer %q", proxy.Request(0).Path, out.Choices[0].Message.Content)
	}
}
