package inferencetest_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
)

// get fetches url and returns the response with its body read.
func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

func TestHubModelInfo(t *testing.T) {
	hub := inferencetest.NewHub(t,
		inferencetest.Model{
			ID:          "meta-llama/Llama-3.1-8B-Instruct",
			PipelineTag: "text-generation",
			Tags:        []string{"conversational"},
			Mappings: []inferencetest.Mapping{
				{Provider: "together", ProviderID: "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo", Task: "conversational"},
				{Provider: "nebius", ProviderID: "llama-8b", Task: "conversational", Status: "staging"},
			},
		},
		inferencetest.Model{
			ID:         "gpt2",
			ObjectForm: true,
			Mappings:   []inferencetest.Mapping{{Provider: "hf-inference", ProviderID: "gpt2", Task: "text-generation"}},
		},
	)
	tests := map[string]struct{ path, want string }{
		"list form": {
			path: "/api/models/meta-llama/Llama-3.1-8B-Instruct?expand[]=inferenceProviderMapping",
			want: `{"_id":"<any>","id":"meta-llama/Llama-3.1-8B-Instruct","pipeline_tag":"text-generation","tags":["conversational"],
				"inferenceProviderMapping":[
					{"provider":"together","providerId":"meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo","status":"live","task":"conversational","hfModelId":"meta-llama/Llama-3.1-8B-Instruct"},
					{"provider":"nebius","providerId":"llama-8b","status":"staging","task":"conversational","hfModelId":"meta-llama/Llama-3.1-8B-Instruct"}]}`,
		},
		"object form, id without org, no pipeline tag": {
			path: "/api/models/gpt2?expand[]=inferenceProviderMapping",
			want: `{"_id":"<any>","id":"gpt2","tags":[],
				"inferenceProviderMapping":{"hf-inference":{"providerId":"gpt2","status":"live","task":"text-generation"}}}`,
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			resp, body := get(t, hub.URL+tt.path)
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
				t.Fatalf("status %d, Content-Type %q: %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
			}
			got := inferencetest.Request{Body: []byte(body)}.JSON(t)
			if id, ok := got["_id"].(string); !ok || len(id) != 24 {
				t.Errorf("_id = %v, want 24 hex digits", got["_id"])
			}
			got["_id"] = "<any>"
			gotJSON, _ := jsonMarshal(got)
			sameJSON(t, "model info", gotJSON, tt.want)
		})
	}
}

func TestHubUnknownModel(t *testing.T) {
	hub := inferencetest.NewHub(t)
	get(t, hub.URL+"/api/models/a/b")
	resp, body := get(t, hub.URL+"/api/models/org/missing?expand[]=inferenceProviderMapping")
	got := resp.Status + " " + resp.Header.Get("Content-Type") + " " + resp.Header.Get("X-Request-Id") + " " + body
	if want := `404 Not Found application/json hub-req-2 {"error":"Repository not found"}`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestHubCountAndFiles(t *testing.T) {
	hub := inferencetest.NewHub(t, inferencetest.Model{ID: "org/m"})
	hub.AddFile("dataset", "org/agents", "main", "agent/agent.json", []byte(`{"model":"m"}`))
	hub.AddFile("model", "org/m", "v1", "README.md", []byte("# m"))

	get(t, hub.URL+"/api/models/org/m?expand[]=inferenceProviderMapping")
	get(t, hub.URL+"/api/models/org/m")
	if n := hub.Count("/api/models/org/m"); n != 2 {
		t.Errorf("Count = %d, want 2", n)
	}
	if n := hub.Count("/api/models/org"); n != 0 {
		t.Errorf("Count of a prefix = %d, want 0", n)
	}

	files := map[string]struct {
		status int
		body   string
	}{
		"/datasets/org/agents/resolve/main/agent/agent.json": {200, `{"model":"m"}`},
		"/org/m/resolve/v1/README.md":                        {200, "# m"},
		"/org/agents/resolve/main/agent/agent.json":          {404, `{"error":"Entry not found"}`},
	}
	for path, want := range files {
		resp, body := get(t, hub.URL+path)
		if resp.StatusCode != want.status || body != want.body {
			t.Errorf("GET %s = %d %s, want %d %s", path, resp.StatusCode, body, want.status, want.body)
		}
	}
	if n := len(hub.Requests()); n != 5 {
		t.Errorf("len(Requests()) = %d, want 5", n)
	}
}
