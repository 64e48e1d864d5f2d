package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/tiny-agents-go/tiny-agents/internal/tokenfile"
	"github.com/tiny-agents-go/tiny-agents/mcpclient"

	"github.com/tiny-agents-go/tiny-agents/internal/urlredact"
)

func newAuthCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "auth",
		Short: "Sign in to MCP servers that use OAuth, list and forget saved sign-ins",
		Long: `An sse or http MCP server may ask you to sign in (OAuth): "run" and "tools" then open your
browser when stdin or stderr is a terminal. Without a terminal (a script, "serve") nobody can be
asked: sign in beforehand with "auth login", which saves the tokens for later runs.

Tokens are saved per server, in files only you can read, under the tiny-agents folder of your
configuration directory (or $` + tokenfile.EnvConfigDir + `/tokens); never in agent.json.`,
		Example: `  tiny-agents auth login ./my-agent
  tiny-agents auth list
  tiny-agents auth logout https://mcp.example.com/mcp`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newLoginCmd(a), newListCmd(a), newLogoutCmd(a))
	return cmd
}

func newLoginCmd(a *app) *cobra.Command {
	opts := &agentOptions{}
	cmd := &cobra.Command{
		Use:   "login [agent]",
		Short: "Connect an agent's MCP servers, signing in to those that ask, and exit",
		Long: `Connect the agent's MCP servers (and those of --mcp-config files) as "tools" does, signing in
in the browser to each sse or http server that asks for it, save the tokens and exit. Run it at a
terminal before running the agent where nobody can sign in: a script, a pipe, "serve".`,
		Example: `  tiny-agents auth login ./my-agent
  tiny-agents auth login --mcp-config ~/.cursor/mcp.json`,
		Args: usageArgs(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := bindAgentArgs(cmd, args, opts); err != nil {
				return err
			}
			return runLogin(cmd.Context(), a, opts)
		},
	}
	addAgentFlags(cmd, opts)
	return cmd
}

// runLogin connects the agent with the Authorizer on, then says where each
// remote server stands.
func runLogin(ctx context.Context, a *app, opts *agentOptions) (err error) {
	st := newStreams(a)
	defer st.flush()
	defer func() { err = report(st, nil, err) }()
	store, err := openStore()
	if err != nil {
		return err
	}
	before := savedAccess(ctx, store)
	opts.MaxTurns, opts.toolsOnly, opts.signIn = 1, true, signInAlways
	ag, info, err := startAgent(ctx, st, opts)
	if err != nil {
		return err
	}
	defer ag.Close()
	remote := 0
	names := mcpclient.ServerNames(info.servers)
	for i, s := range info.servers {
		if !s.Remote() {
			continue
		}
		remote++
		st.out.print(fmt.Sprintf("server %q (%s): %s\n", names[i], urlredact.URL(s.URL), loginState(ctx, store, s, before)))
	}
	if remote == 0 {
		st.notice(fmt.Sprintf("agent %q has no sse or http server: nothing to sign in to", info.Agent))
	}
	return nil
}

// loginState says where a server stands after `auth login`.
func loginState(ctx context.Context, store *tokenfile.Store, s mcpclient.ServerConfig, before map[string]string) string {
	if !s.UsesOAuth() {
		return "OAuth is off for it (auth.mode none, or an Authorization header)"
	}
	key, err := mcpclient.TokenKey(s.URL)
	if err != nil {
		return "not a URL a sign-in can be saved for"
	}
	tok, err := store.Load(ctx, key)
	switch {
	case err != nil:
		return "its saved sign-in cannot be read: " + err.Error()
	case tok == nil || tok.AccessToken == "":
		return "connected without a sign-in"
	}
	what := "signed in"
	if before[key] == tok.AccessToken {
		what = "already signed in"
	}
	if tok.Scope != "" {
		what += ", scope " + tok.Scope
	}
	return what + ", " + describeExpiry(tok.Expiry, time.Now())
}

// savedAccess maps the key of each saved sign-in to its access token, to
// tell a new sign-in from an old one; it stays in this process.
func savedAccess(ctx context.Context, store *tokenfile.Store) map[string]string {
	out := map[string]string{}
	entries, _ := store.List(ctx)
	for _, e := range entries {
		if e.Err == nil {
			out[e.Key] = e.Token.AccessToken
		}
	}
	return out
}

// savedSignIns opens the token store and lists what it holds.
func savedSignIns(ctx context.Context) (*tokenfile.Store, []tokenfile.Entry, error) {
	store, err := openStore()
	if err != nil {
		return nil, nil, err
	}
	entries, err := store.List(ctx)
	return store, entries, err
}

// openStore opens the token files; without a folder for them, it is a
// configuration error.
func openStore() (*tokenfile.Store, error) {
	store, err := tokenfile.Open()
	if err != nil {
		return nil, &configError{kind: kindConfig, msg: plainMessage(err),
			hint: "set " + tokenfile.EnvConfigDir + " to a folder of your own"}
	}
	return store, nil
}

// describeExpiry says when a token expires, for people.
func describeExpiry(expiry, now time.Time) string {
	switch {
	case expiry.IsZero():
		return "no expiry given"
	case !now.Before(expiry):
		return "expired " + expiry.Local().Format("2006-01-02 15:04 MST")
	}
	return "expires " + expiry.Local().Format("2006-01-02 15:04 MST") + " (in " + roughly(expiry.Sub(now)) + ")"
}

// roughly is d to the minute: "59m", "1h0m", "under a minute".
func roughly(d time.Duration) string {
	d = d.Round(time.Minute)
	if d < time.Minute {
		return "under a minute"
	}
	return strings.TrimSuffix(d.String(), "0s")
}

func newListCmd(a *app) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the saved sign-ins: server, scope, expiry, whether a refresh token is held",
		Long: `List the saved sign-ins, one per server: its URL, the scope granted, when the access token
expires and whether a refresh token is held (tiny-agents renews the access token with it, without
asking you). Token values are never shown.`,
		Example: `  tiny-agents auth list
  tiny-agents auth list -o json`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			return runList(cmd.Context(), a, output)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", outputText, `output format: "text", or "json" for one JSON object`)
	return cmd
}

// savedSignIn is one line of `auth list`, and its --output json form.
type savedSignIn struct {
	Server          string     `json:"server"`
	Scope           string     `json:"scope"`
	Expiry          *time.Time `json:"expiry,omitempty"`
	Expired         bool       `json:"expired"`
	SignedIn        bool       `json:"signed_in"` // an access token is held, expired or not
	HasRefreshToken bool       `json:"has_refresh_token"`
	File            string     `json:"file"`
}

// signInListing is the --output json form of `auth list`.
type signInListing struct {
	Dir      string        `json:"dir"`
	Servers  []savedSignIn `json:"servers"`
	Problems []fileProblem `json:"problems,omitempty"`
}

type fileProblem struct {
	File  string `json:"file"`
	Error string `json:"error"`
}

func runList(ctx context.Context, a *app, output string) (err error) {
	st := newStreams(a)
	defer st.flush()
	defer func() { err = report(st, nil, err) }()
	store, entries, err := savedSignIns(ctx)
	if err != nil {
		return err
	}
	now := time.Now()
	l := signInListing{Dir: store.Dir(), Servers: []savedSignIn{}}
	for _, e := range entries {
		if e.Err != nil {
			l.Problems = append(l.Problems, fileProblem{File: e.Path, Error: e.Err.Error()})
			continue
		}
		s := savedSignIn{Server: e.Key, Scope: e.Token.Scope, SignedIn: e.Token.AccessToken != "",
			HasRefreshToken: e.Token.RefreshToken != "", File: e.Path}
		if !e.Token.Expiry.IsZero() {
			s.Expiry = &e.Token.Expiry
			s.Expired = !now.Before(e.Token.Expiry)
		}
		l.Servers = append(l.Servers, s)
	}
	for _, p := range l.Problems {
		st.warn(p.Error)
	}
	if output == outputJSON {
		b, err := json.Marshal(l)
		if err != nil {
			return err
		}
		st.out.print(string(b) + "\n")
		return nil
	}
	st.out.print(formatSignIns(l, now))
	return nil
}

// formatSignIns is the table of `auth list`.
func formatSignIns(l signInListing, now time.Time) string {
	if len(l.Servers) == 0 && len(l.Problems) == 0 {
		return "no saved sign-ins (in " + l.Dir + ")\n"
	}
	if len(l.Servers) == 0 {
		return "no saved sign-in that can be used (in " + l.Dir + ")\n"
	}
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "SERVER\tSCOPE\tEXPIRES\tREFRESH TOKEN")
	for _, s := range l.Servers {
		scope, expires, refresh := s.Scope, "-", "no"
		if scope == "" {
			scope = "-"
		}
		switch {
		case !s.SignedIn:
			expires = "signed out"
		case s.Expiry != nil && s.Expired:
			expires = "expired " + s.Expiry.Local().Format("2006-01-02 15:04")
		case s.Expiry != nil:
			expires = s.Expiry.Local().Format("2006-01-02 15:04") + " (in " + roughly(s.Expiry.Sub(now)) + ")"
		}
		if s.HasRefreshToken {
			refresh = "yes"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", s.Server, scope, expires, refresh)
	}
	w.Flush()
	return b.String()
}

func newLogoutCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "logout <server-url|all>",
		Short: "Forget the saved sign-in of a server, or of every server",
		Long: `Delete the saved tokens of the server at the URL (as "auth list" shows it), or of every server
with "all". The next connection to the server asks you to sign in again. The tokens are not
revoked at the authorization server.`,
		Example: `  tiny-agents auth logout https://mcp.example.com/mcp
  tiny-agents auth logout all`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runLogout(cmd.Context(), a, args[0])
		},
	}
}

func runLogout(ctx context.Context, a *app, server string) (err error) {
	st := newStreams(a)
	defer st.flush()
	defer func() { err = report(st, nil, err) }()
	store, entries, err := savedSignIns(ctx)
	if err != nil {
		return err
	}
	if server == "all" {
		for _, e := range entries {
			if err := removeSignIn(st, e); err != nil {
				return err
			}
		}
		if len(entries) == 0 {
			st.notice("no saved sign-ins")
		}
		return nil
	}
	key, err := mcpclient.TokenKey(server)
	if err != nil {
		return &usageError{fmt.Errorf("%q is not a server URL: give one as `tiny-agents auth list` shows it, or all", server)}
	}
	ok, err := store.Delete(ctx, key)
	if err != nil {
		return err
	}
	if !ok {
		return &configError{kind: kindConfig, msg: "no saved sign-in for " + key, hint: knownSignIns(entries)}
	}
	st.out.print("signed out of " + key + "\n")
	return nil
}

// removeSignIn deletes the file of e, the one List read (whatever its
// name), and says whose sign-in it held when it could be read.
func removeSignIn(st *streams, e tokenfile.Entry) error {
	if err := os.Remove(e.Path); err != nil {
		return err
	}
	if e.Err == nil {
		st.out.print("signed out of " + e.Key + "\n")
	} else {
		st.out.print("deleted " + e.Path + "\n")
	}
	return nil
}

// knownSignIns lists the servers of the saved sign-ins, for a hint.
func knownSignIns(entries []tokenfile.Entry) string {
	var keys []string
	for _, e := range entries {
		if e.Err == nil {
			keys = append(keys, e.Key)
		}
	}
	if len(keys) == 0 && len(entries) > 0 {
		return "`tiny-agents auth logout all` deletes every token file, those that cannot be read too"
	}
	if len(keys) == 0 {
		return "there are no saved sign-ins"
	}
	return "saved sign-ins: " + strings.Join(keys, ", ") + " (or all)"
}
