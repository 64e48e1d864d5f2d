package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
	"github.com/tiny-agents-go/tiny-agents/internal/mcptest"
	"github.com/tiny-agents-go/tiny-agents/internal/tokenfile"
	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

// signInEnv keeps the tokens in configDir and makes this test binary the
// browser (see mcptest.BrowseIfChild).
func signInEnv(configDir string) []string {
	return []string{tokenfile.EnvConfigDir + "=" + configDir, "BROWSER=" + os.Args[0], mcptest.EnvBrowser + "=1",
		"GORACE=atexit_sleep_ms=0"}
}

// noBrowserEnv keeps the tokens in configDir, with a browser that fails.
func noBrowserEnv(configDir string) []string {
	return []string{tokenfile.EnvConfigDir + "=" + configDir, "BROWSER=false"}
}

// protectedAgent starts an authorization server and an MCP server it
// protects, and writes an agent whose one server is that MCP server.
func protectedAgent(t *testing.T) (as *mcptest.AuthServer, p *mcptest.ProtectedServer, dir, serverURL string) {
	t.Helper()
	as = mcptest.NewAuthServer(t)
	p = mcptest.NewProtectedServer(t, as)
	p.PRMScopes = []string{"mcp:basic"}
	serverURL = p.URL + "/mcp"
	llm := inferencetest.NewServer(t)
	dir = writeAgent(t, llm.URL, mcpclient.ServerConfig{Type: "http", Name: "notes", URL: serverURL})
	return as, p, dir, serverURL
}

// tokenFiles returns the token files under configDir.
func tokenFiles(t *testing.T, configDir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(configDir, "tokens", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// assertNoSecret fails if out holds a code, token or secret as issued.
func assertNoSecret(t *testing.T, as *mcptest.AuthServer, outs ...string) {
	t.Helper()
	for _, s := range as.Issued() {
		for _, out := range outs {
			if strings.Contains(out, s) {
				t.Errorf("%.8s... (issued by the authorization server) was printed:\n%s", s, out)
			}
		}
	}
}

func TestAuthLoginThenHeadlessRuns(t *testing.T) {
	as, _, dir, serverURL := protectedAgent(t)
	configDir := t.TempDir()

	r := runCLIEnv(t, signInEnv(configDir), "", "auth", "login", dir)
	if r.code != 0 {
		t.Fatalf("auth login: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if want := `server "notes" (` + serverURL + `): signed in, scope mcp:basic, expires `; !strings.Contains(r.stdout, want) {
		t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
	}
	for _, want := range []string{`server "notes" (` + serverURL + `) asks you to sign in: the server requires sign-in`,
		as.URL + "/authorize?", "waiting for the sign-in (up to 5m0s"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	files := tokenFiles(t, configDir)
	if len(files) != 1 {
		t.Fatalf("token files %q, want one", files)
	}
	for path, want := range map[string]os.FileMode{files[0]: 0o600, filepath.Dir(files[0]): 0o700} {
		if st, err := os.Stat(path); err != nil || st.Mode().Perm() != want {
			t.Errorf("%s: mode %v, %v; want %04o", path, st.Mode().Perm(), err, want)
		}
	}
	assertNoSecret(t, as, r.stdout, r.stderr)

	// Again: the saved sign-in serves.
	r = runCLIEnv(t, noBrowserEnv(configDir), "", "auth", "login", dir)
	if r.code != 0 || !strings.Contains(r.stdout, "already signed in") {
		t.Errorf("auth login again: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}

	// Headless (no terminal, a browser that fails): the saved token serves.
	r = runCLIEnv(t, noBrowserEnv(configDir), "", "tools", dir)
	if r.code != 0 || !strings.Contains(r.stdout, "\nnotes\n") || !strings.Contains(r.stdout, "  echo ") {
		t.Fatalf("tools: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if _, auths, _ := as.Counts(); auths != 1 {
		t.Errorf("%d authorization requests, want the one of the first login", auths)
	}
	assertNoSecret(t, as, r.stdout, r.stderr)

	r = runCLIEnv(t, noBrowserEnv(configDir), "", "auth", "list")
	if r.code != 0 {
		t.Fatalf("auth list: exit %d\n%s", r.code, r.stderr)
	}
	for _, want := range []string{"SERVER", "REFRESH TOKEN", serverURL, "mcp:basic", "(in 1h0m)", "yes"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("auth list lacks %q:\n%s", want, r.stdout)
		}
	}
	assertNoSecret(t, as, r.stdout, r.stderr)

	r = runCLIEnv(t, noBrowserEnv(configDir), "", "auth", "list", "-o", "json")
	var listing signInListing
	if err := json.Unmarshal([]byte(r.stdout), &listing); err != nil || r.code != 0 {
		t.Fatalf("auth list -o json: exit %d, %v\n%s", r.code, err, r.stdout)
	}
	if len(listing.Servers) != 1 || listing.Servers[0].Server != serverURL || !listing.Servers[0].HasRefreshToken ||
		!listing.Servers[0].SignedIn || listing.Servers[0].Expiry == nil || listing.Servers[0].File != files[0] {
		t.Errorf("listing = %+v", listing)
	}
	assertNoSecret(t, as, r.stdout)

	r = runCLIEnv(t, noBrowserEnv(configDir), "", "auth", "logout", "https://other.example.com/mcp")
	if r.code != 2 || !strings.Contains(r.stderr, "no saved sign-in for https://other.example.com/mcp") ||
		!strings.Contains(r.stderr, "saved sign-ins: "+serverURL) {
		t.Errorf("logout of an unknown server: exit %d\n%s", r.code, r.stderr)
	}
	r = runCLIEnv(t, noBrowserEnv(configDir), "", "auth", "logout", serverURL)
	if r.code != 0 || r.stdout != "signed out of "+serverURL+"\n" {
		t.Errorf("logout: exit %d, stdout %q\n%s", r.code, r.stdout, r.stderr)
	}
	if files := tokenFiles(t, configDir); len(files) != 0 {
		t.Errorf("token files left after logout: %q", files)
	}
	r = runCLIEnv(t, noBrowserEnv(configDir), "", "auth", "list")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "no saved sign-ins") {
		t.Errorf("auth list after logout: exit %d, stdout %q", r.code, r.stdout)
	}
}

func TestSignInNeededWithoutTerminal(t *testing.T) {
	_, _, dir, _ := protectedAgent(t)
	configDir := t.TempDir()
	for name, args := range map[string][]string{
		"run":   {"run", dir, "-p", "hi"},
		"tools": {"tools", dir},
		"serve": {"serve", dir, "--addr", "127.0.0.1:0"},
	} {
		t.Run(name, func(t *testing.T) {
			r := runCLIEnv(t, noBrowserEnv(configDir), "", args...)
			if r.code != 1 {
				t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
			}
			why := "stdin and stderr are not terminals"
			if name == "serve" {
				why = "serve asks nobody"
			}
			for _, want := range []string{`error: server "notes" requires you to sign in, and nobody can be asked here: ` + why,
				"hint: sign in at a terminal first with `tiny-agents auth login " + dir + "`"} {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
				}
			}
			if strings.Contains(r.stderr, "Authorizer") {
				t.Errorf("Go words in the message:\n%s", r.stderr)
			}
		})
	}
	t.Run("json error event", func(t *testing.T) {
		r := runCLIEnv(t, noBrowserEnv(configDir), "", "run", dir, "-p", "hi", "-o", "json")
		lines := decodeLines(t, r.stdout)
		if r.code != 1 || len(lines) != 1 || lines[0].Kind != "auth" || lines[0].ExitCode != 1 {
			t.Errorf("exit %d, events %+v", r.code, lines)
		}
	})
}

func TestSavedTokenFileOpenToOthersIsRefused(t *testing.T) {
	as, _, dir, _ := protectedAgent(t)
	configDir := t.TempDir()
	if r := runCLIEnv(t, signInEnv(configDir), "", "auth", "login", dir); r.code != 0 {
		t.Fatalf("auth login: exit %d\n%s", r.code, r.stderr)
	}
	files := tokenFiles(t, configDir)
	if len(files) != 1 {
		t.Fatalf("token files %q", files)
	}
	if err := os.Chmod(files[0], 0o644); err != nil {
		t.Fatal(err)
	}
	r := runCLIEnv(t, noBrowserEnv(configDir), "", "tools", dir)
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\n%s", r.code, r.stderr)
	}
	for _, want := range []string{"the token file " + files[0] + " is open to other users (mode 0644)",
		"`chmod 600 " + files[0] + "`", "hint: "} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	r = runCLIEnv(t, noBrowserEnv(configDir), "", "auth", "list")
	if r.code != 0 || !strings.Contains(r.stderr, "warning: the token file "+files[0]) {
		t.Errorf("auth list: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	assertNoSecret(t, as, r.stdout, r.stderr)
	r = runCLIEnv(t, noBrowserEnv(configDir), "", "auth", "logout", "all")
	if r.code != 0 || len(tokenFiles(t, configDir)) != 0 {
		t.Errorf("logout all: exit %d, files %q\n%s", r.code, tokenFiles(t, configDir), r.stderr)
	}
}

// A remote server of an --mcp-config file signs in the same way.
func TestSignInForMCPConfigServers(t *testing.T) {
	as := mcptest.NewAuthServer(t)
	p := mcptest.NewProtectedServer(t, as)
	mcpFile := filepath.Join(t.TempDir(), "mcp.json")
	b, _ := json.Marshal(map[string]any{"mcpServers": map[string]any{"remote-notes": map[string]any{"url": p.URL + "/mcp"}}})
	os.WriteFile(mcpFile, b, 0o644)
	dir := writeAgent(t, "http://127.0.0.1:1")
	configDir := t.TempDir()

	r := runCLIEnv(t, noBrowserEnv(configDir), "", "tools", dir, "--mcp-config", mcpFile)
	if want := "`tiny-agents auth login " + dir + " --mcp-config " + mcpFile + "`"; r.code != 1 || !strings.Contains(r.stderr, want) {
		t.Fatalf("exit %d, want 1 and %q\n%s", r.code, want, r.stderr)
	}
	r = runCLIEnv(t, signInEnv(configDir), "", "auth", "login", dir, "--mcp-config", mcpFile)
	if r.code != 0 || !strings.Contains(r.stdout, `server "remote-notes"`) || !strings.Contains(r.stdout, "signed in") {
		t.Fatalf("auth login: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	r = runCLIEnv(t, noBrowserEnv(configDir), "", "tools", dir, "--mcp-config", mcpFile)
	if r.code != 0 || !strings.Contains(r.stdout, "\nremote-notes\n") {
		t.Fatalf("tools: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	assertNoSecret(t, as, r.stdout, r.stderr)
}

// At a terminal, tools signs in by itself.
func TestSignInAtTerminal(t *testing.T) {
	as, _, dir, serverURL := protectedAgent(t)
	configDir := t.TempDir()
	p := startPTY(t, append(signInEnv(configDir), "NO_COLOR=1"), "tools", dir)
	if code := p.wait(t); code != 0 {
		t.Fatalf("exit %d; the terminal showed:\n%s", code, p.out.String())
	}
	<-p.done
	out := p.out.String()
	for _, want := range []string{`server "notes" (` + serverURL + `) asks you to sign in`, "  echo "} {
		if !strings.Contains(out, want) {
			t.Errorf("the terminal lacks %q:\n%s", want, out)
		}
	}
	if len(tokenFiles(t, configDir)) != 1 {
		t.Error("no token saved")
	}
	assertNoSecret(t, as, out)
}

// TestLogoutAllRemovesEveryFile: `auth logout all` deletes each token
// file it listed, also one whose name is not the one its server gives
// (a copy), instead of deleting by server and leaving it.
func TestLogoutAllRemovesEveryFile(t *testing.T) {
	_, _, dir, _ := protectedAgent(t)
	configDir := t.TempDir()
	if r := runCLIEnv(t, signInEnv(configDir), "", "auth", "login", dir); r.code != 0 {
		t.Fatalf("auth login: exit %d\n%s", r.code, r.stderr)
	}
	files := tokenFiles(t, configDir)
	if len(files) != 1 {
		t.Fatalf("token files %q", files)
	}
	b, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(filepath.Dir(files[0]), "copy.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	r := runCLIEnv(t, noBrowserEnv(configDir), "", "auth", "logout", "all")
	if left := tokenFiles(t, configDir); r.code != 0 || len(left) != 0 {
		t.Errorf("logout all: exit %d, files left %q\nstdout:\n%s\nstderr:\n%s", r.code, left, r.stdout, r.stderr)
	}
}
