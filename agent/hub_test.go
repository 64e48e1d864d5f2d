package agent

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHubFetchEdges(t *testing.T) {
	var gotAuth []string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotAuth = append(gotAuth, r.Header.Get("Authorization"))
		w.Write([]byte(`{"model":"m","servers":[]}`))
	}))
	defer other.Close()
	hub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.Contains(r.URL.Path, "/moved/"):
			http.Redirect(w, r, other.URL+"/file", http.StatusFound)
		case strings.Contains(r.URL.Path, "/huge/"):
			w.Write([]byte(strings.Repeat(" ", maxHubFile+1)))
		default:
			http.NotFound(w, r)
		}
	}))
	defer hub.Close()

	if _, err := fetchHubFile(t.Context(), hub.URL, "moved/agent.json", "hf_secret_token"); err != nil {
		t.Fatal(err)
	}
	if len(gotAuth) != 1 || gotAuth[0] != "" {
		t.Errorf("the token followed a redirect to another host: %q", gotAuth)
	}
	_, err := fetchHubFile(t.Context(), hub.URL, "huge/agent.json", "")
	if err == nil || !strings.Contains(err.Error(), "larger than 4 MiB") {
		t.Errorf("a huge file: %v", err)
	}
	withSecret := strings.Replace(hub.URL, "http://", "http://user:pw-in-url@", 1) + "/?k=q-in-url"
	_, err = fetchHubFile(t.Context(), withSecret, "none/agent.json", "")
	if err == nil || strings.Contains(err.Error(), "pw-in-url") || strings.Contains(err.Error(), "q-in-url") {
		t.Errorf("error with the Hub URL's secrets: %v", err)
	}
}
