package inferencetest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
)

// Model is a model repository served by a [Hub].
type Model struct {
	// ID is the repository id, "org/name" (or just "name").
	ID string
	// Mappings are the model's inference provider mappings.
	Mappings []Mapping
	// ObjectForm serves inferenceProviderMapping in its older object form,
	// {provider: {providerId, status, task}}, instead of the list form
	// [{provider, providerId, status, task, hfModelId}].
	ObjectForm bool
	// PipelineTag is the pipeline_tag field, left out if empty.
	PipelineTag string
	// Tags is the tags field.
	Tags []string
}

// Mapping maps a model to one inference provider.
type Mapping struct {
	// Provider is the provider name, such as "together".
	Provider string
	// ProviderID is the model's id at the provider.
	ProviderID string
	// Task is the task the provider serves, such as "conversational".
	Task string
	// Status is "live" or "staging"; empty means "live".
	Status string
	// AdapterWeightsPath, when set, makes the mapping a LoRA: the file of
	// the model's repo holding the weights (sent with adapter "lora").
	AdapterWeightsPath string
}

// Hub is a fake Hugging Face Hub that serves model info with inference
// provider mappings, and files added with [Hub.AddFile]. All methods are
// safe for concurrent use.
type Hub struct {
	// URL is the base URL of the hub, "http://127.0.0.1:PORT", without a
	// trailing slash.
	URL string

	srv    *httptest.Server
	models map[string]Model

	mu       sync.Mutex
	files    map[string][]byte // keyed by URL path
	requests []Request
}

// NewHub starts a Hub serving models and closes it when the test ends.
// GET /api/models/{id} answers with the model's info whatever the query;
// an unknown id gets 404 {"error":"Repository not found"} with an
// X-Request-Id header "hub-req-N", N being the request's 1-based number.
func NewHub(t TB, models ...Model) *Hub {
	t.Helper()
	h := &Hub{models: make(map[string]Model), files: make(map[string][]byte)}
	for _, m := range models {
		h.models[m.ID] = m
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/models/{id...}", h.serveModel)
	mux.HandleFunc("GET /", h.serveFile)
	h.srv = httptest.NewServer(h.recording(mux))
	h.URL = h.srv.URL
	t.Cleanup(h.srv.Close)
	return h
}

// AddFile makes the hub serve content at
// GET /{repo}/resolve/{revision}/{path}, with "datasets/" before repo when
// repoType is "dataset". Other paths get 404.
func (h *Hub) AddFile(repoType, repo, revision, path string, content []byte) {
	p := "/" + repo + "/resolve/" + revision + "/" + path
	if repoType == "dataset" {
		p = "/datasets" + p
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.files[p] = append([]byte(nil), content...)
}

// Count returns how many requests had the given path (without query).
func (h *Hub) Count(path string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, r := range h.requests {
		if p, _, _ := strings.Cut(r.Path, "?"); p == path {
			n++
		}
	}
	return n
}

// Requests returns a copy of the requests received so far, in arrival
// order.
func (h *Hub) Requests() []Request {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]Request(nil), h.requests...)
}

// recording records each request and sets its X-Request-Id before next
// handles it.
func (h *Hub) recording(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req := record(r)
		h.mu.Lock()
		h.requests = append(h.requests, req)
		n := len(h.requests)
		h.mu.Unlock()
		w.Header().Set("X-Request-Id", "hub-req-"+strconv.Itoa(n))
		next.ServeHTTP(w, r)
	})
}

func (h *Hub) serveModel(w http.ResponseWriter, r *http.Request) {
	m, ok := h.models[r.PathValue("id")]
	if !ok {
		writeJSON(w, http.StatusNotFound, nil, `{"error":"Repository not found"}`)
		return
	}
	info := map[string]any{
		"_id":                      fmt.Sprintf("%024x", hashID(m.ID)),
		"id":                       m.ID,
		"tags":                     append([]string{}, m.Tags...),
		"inferenceProviderMapping": mappingJSON(m),
	}
	if m.PipelineTag != "" {
		info["pipeline_tag"] = m.PipelineTag
	}
	body, err := json.Marshal(info)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	writeJSON(w, http.StatusOK, nil, string(body))
}

// mappingJSON returns m's inferenceProviderMapping in the form m asks for.
func mappingJSON(m Model) any {
	if m.ObjectForm {
		obj := make(map[string]any, len(m.Mappings))
		for _, mp := range m.Mappings {
			obj[mp.Provider] = map[string]string{
				"providerId": mp.ProviderID, "status": status(mp), "task": mp.Task,
			}
		}
		return obj
	}
	list := make([]map[string]string, 0, len(m.Mappings))
	for _, mp := range m.Mappings {
		entry := map[string]string{
			"provider": mp.Provider, "providerId": mp.ProviderID, "status": status(mp),
			"task": mp.Task, "hfModelId": m.ID,
		}
		if mp.AdapterWeightsPath != "" {
			entry["adapter"], entry["adapterWeightsPath"] = "lora", mp.AdapterWeightsPath
		}
		list = append(list, entry)
	}
	return list
}

func status(mp Mapping) string {
	if mp.Status == "" {
		return "live"
	}
	return mp.Status
}

// hashID derives a stable fake Mongo-style object id from a model id.
func hashID(id string) uint64 {
	h := uint64(14695981039346656037) // FNV-1a
	for i := 0; i < len(id); i++ {
		h = (h ^ uint64(id[i])) * 1099511628211
	}
	return h
}

func (h *Hub) serveFile(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	content, ok := h.files[r.URL.Path]
	h.mu.Unlock()
	if !ok {
		writeJSON(w, http.StatusNotFound, nil, `{"error":"Entry not found"}`)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.Itoa(len(content)))
	w.Write(content)
}
