package agent

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	neturl "net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/tiny-agents-go/tiny-agents/inference"
	"github.com/tiny-agents-go/tiny-agents/internal/atomicfile"
	"github.com/tiny-agents-go/tiny-agents/internal/hfhome"

	"github.com/tiny-agents-go/tiny-agents/internal/urlredact"
)

const hubDataset = "tiny-agents/tiny-agents"

// loadFromHub fetches {spec}/agent.json and its prompt from the Hub dataset,
// keeping a copy under the cache; the copy is used when the Hub cannot be
// reached.
func loadFromHub(ctx context.Context, spec string, opts LoadOptions) (*Config, error) {
	hub := strings.TrimRight(firstNonEmpty(opts.HubURL, firstNonEmpty(os.Getenv("HF_ENDPOINT"), "https://huggingface.co")), "/")
	cache := filepath.Join(cacheDir(opts.CacheDir), "datasets--tiny-agents--tiny-agents", "snapshots", "main", filepath.FromSlash(spec))
	data, err := fetchHubFile(ctx, hub, spec+"/agent.json", opts.Token)
	switch {
	case err == nil:
		if err := atomicfile.WriteFile(filepath.Join(cache, "agent.json"), data, 0o644); err != nil {
			return nil, err
		}
		for _, name := range promptFiles {
			if b, err := fetchHubFile(ctx, hub, spec+"/"+name, opts.Token); err == nil {
				if err := atomicfile.WriteFile(filepath.Join(cache, name), b, 0o644); err != nil {
					return nil, err
				}
				break
			}
		}
	case isNotFound(err):
		return nil, err
	default:
		if _, statErr := os.Stat(filepath.Join(cache, "agent.json")); statErr != nil {
			return nil, err
		}
		// The Hub is out of reach: the cached copy serves.
	}
	return loadDir(os.DirFS(cache), ".", cache)
}

// notFoundError is an agent that is not there: a path, or a Hub file.
type notFoundError struct{ what string }

func (e *notFoundError) Error() string { return e.what }

// Is makes the error match [ErrNotFound].
func (e *notFoundError) Is(target error) bool { return target == ErrNotFound }

func isNotFound(err error) bool {
	_, ok := err.(*notFoundError)
	return ok
}

// maxHubFile bounds an agent.json or prompt fetched from the Hub.
const maxHubFile = 4 << 20

func fetchHubFile(ctx context.Context, hub, path, token string) ([]byte, error) {
	url := hub + "/datasets/" + hubDataset + "/resolve/main/" + path
	shown := urlredact.URL(url)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("fetching %s: %w", shown, err)
	}
	if strings.HasPrefix(token, "hf_") {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	// A redirect to another host must not carry the token.
	client := &http.Client{CheckRedirect: inference.CheckRedirect}
	resp, err := client.Do(req)
	if err != nil {
		var ue *neturl.Error
		if errors.As(err, &ue) {
			err = ue.Err // it would repeat the URL, userinfo and all
		}
		return nil, fmt.Errorf("fetching %s: %w", shown, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return nil, &notFoundError{what: "not found on the Hub: " + shown}
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetching %s: %s", shown, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxHubFile+1))
	if err != nil {
		return nil, fmt.Errorf("fetching %s: %w", shown, err)
	}
	if len(data) > maxHubFile {
		return nil, fmt.Errorf("fetching %s: larger than %d MiB, which no agent file needs", shown, maxHubFile>>20)
	}
	return data, nil
}

// cacheDir is the Hub cache: dir if given, else where huggingface_hub
// keeps it, else a folder under the system's temporary directory.
func cacheDir(dir string) string {
	if dir != "" {
		return dir
	}
	if c := hfhome.HubCache(); c != "" {
		return c
	}
	return filepath.Join(os.TempDir(), "huggingface", "hub")
}
