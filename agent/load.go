package agent

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/tiny-agents-go/tiny-agents/agents"
)

// DefaultAgent is the built-in agent run when no agent is named.
const DefaultAgent = "default"

// ErrNotFound is matched (errors.Is) by the error of [Load] when the agent
// named is nowhere: no such file or folder, no such built-in agent, and the
// Hub dataset has no such agent. A Hub out of reach is another error.
var ErrNotFound = errors.New("agent: not found")

// promptFiles replace the default system prompt, first found wins.
var promptFiles = []string{"PROMPT.md", "AGENTS.md"}

// LoadOptions tunes [Load].
type LoadOptions struct {
	// HubURL is the Hub holding the tiny-agents/tiny-agents dataset (default
	// $HF_ENDPOINT, else https://huggingface.co).
	HubURL string
	// CacheDir holds Hub downloads (default $HF_HUB_CACHE, else
	// $HF_HOME/hub, else $XDG_CACHE_HOME/huggingface/hub, else
	// ~/.cache/huggingface/hub, as huggingface_hub places it).
	CacheDir string
	// Token is sent to the Hub when it is a Hugging Face token.
	Token string
}

// Load finds the agent spec names and parses it: a file, a folder holding
// agent.json (and PROMPT.md or AGENTS.md), a built-in agent, or an agent of
// the Hub dataset tiny-agents/tiny-agents (cached on disk). An empty spec is
// the built-in default agent. It returns a *ConfigError for an invalid
// config, and an error listing what was tried when nothing matches.
func Load(ctx context.Context, spec string, opts LoadOptions) (*Config, error) {
	if spec == "" {
		spec = DefaultAgent
	}
	if st, err := os.Stat(spec); err == nil {
		if st.IsDir() {
			cfg, err := loadDir(os.DirFS(spec), ".", spec)
			if err == nil {
				resolveCwd(cfg, spec)
			}
			return cfg, err
		}
		data, err := os.ReadFile(spec)
		if err != nil {
			return nil, fmt.Errorf("agent: reading %s: %w", spec, err)
		}
		return ParseConfig(data, spec)
	}
	if _, err := fs.Stat(agents.FS, spec+"/agent.json"); err == nil {
		return loadDir(agents.FS, spec, "built-in agent "+spec)
	}
	if looksLikePath(spec) {
		return nil, &notFoundError{what: "agent: " + spec + ": no such file or folder"}
	}
	cfg, err := loadFromHub(ctx, spec, opts)
	if err != nil {
		return nil, fmt.Errorf("agent: %q is not a file, a folder, a built-in agent (%s) or an agent of the Hub dataset %s: %w",
			spec, strings.Join(agents.Names(), ", "), hubDataset, err)
	}
	return cfg, nil
}

// resolveCwd makes the relative cwd of stdio servers relative to the
// agent's folder.
func resolveCwd(cfg *Config, dir string) {
	for i := range cfg.Servers {
		if c := cfg.Servers[i].Cwd; c != "" && !filepath.IsAbs(c) {
			cfg.Servers[i].Cwd = filepath.Join(dir, c)
		}
	}
}

// loadDir reads dir/agent.json and the prompt file of a folder.
func loadDir(fsys fs.FS, dir, source string) (*Config, error) {
	data, err := fs.ReadFile(fsys, filepath.ToSlash(filepath.Join(dir, "agent.json")))
	if errors.Is(err, fs.ErrNotExist) {
		// A folder that is not an agent: a mistake in the agent.json's
		// place, as a broken one is.
		return nil, &ConfigError{Source: source, Msg: "no agent.json in this folder"}
	}
	if err != nil {
		return nil, fmt.Errorf("agent: %s: no agent.json: %w", source, err)
	}
	cfg, err := ParseConfig(data, filepath.Join(source, "agent.json"))
	if err != nil {
		return nil, err
	}
	for _, name := range promptFiles {
		if b, err := fs.ReadFile(fsys, filepath.ToSlash(filepath.Join(dir, name))); err == nil {
			cfg.Prompt = string(b)
			break
		}
	}
	return cfg, nil
}

// looksLikePath tells a missing file from a Hub agent id ("org/name").
func looksLikePath(spec string) bool {
	return strings.HasPrefix(spec, ".") || strings.HasPrefix(spec, "/") || strings.HasPrefix(spec, "~") ||
		strings.HasSuffix(spec, ".json") || strings.Count(spec, "/") > 1
}
