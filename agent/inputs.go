package agent

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
)

// EnvName is the environment variable that supplies input id when the user
// gives nothing: the id upper-cased, dashes as underscores.
func EnvName(id string) string { return strings.ToUpper(strings.ReplaceAll(id, "-", "_")) }

// ResolveInputs replaces ${input:ID} in server commands, args, env values,
// headers and URLs and in the API key. For each declared input that is used,
// ask (if not nil) is called first, as in the references; an empty answer
// falls back to the environment variable [EnvName](ID). Unused inputs are
// not asked for. Pass a nil ask when nobody can answer (stdin is not a
// terminal): values then come only from the environment.
//
// It returns a warning for each used input left without a value, which is
// replaced by "". It stops at the first error of ask, or when ctx is done,
// and returns that error.
func (c *Config) ResolveInputs(ctx context.Context, ask func(Input) (string, error)) (warnings []string, err error) {
	for _, in := range c.Inputs {
		if err := ctx.Err(); err != nil {
			return warnings, err
		}
		ref := "${input:" + in.ID + "}"
		if !c.uses(ref) {
			continue
		}
		value := ""
		if ask != nil {
			if value, err = ask(in); err != nil {
				return warnings, err
			}
		}
		if value == "" {
			name := EnvName(in.ID)
			v, set := os.LookupEnv(name)
			value = v
			if value == "" {
				state := "not set"
				if set {
					state = "empty"
				}
				warnings = append(warnings, fmt.Sprintf("input %q has no value: %s is %s; %s is replaced by \"\"", in.ID, name, state, ref))
			}
		}
		if in.Password && value != "" {
			c.secrets = append(c.secrets, value)
		}
		c.replace(ref, value)
	}
	return warnings, nil
}

// Secrets returns the values that must never be printed: what
// [Config.ResolveInputs] put in place of the inputs with password true, and
// the API key. It never fails and returns nil when there are none.
func (c *Config) Secrets() []string {
	var out []string
	for _, s := range append(slices.Clone(c.secrets), c.APIKey) {
		if s != "" && !inputRef.MatchString(s) && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func (c *Config) uses(ref string) bool {
	found := strings.Contains(c.APIKey, ref)
	c.each(func(s *string) { found = found || strings.Contains(*s, ref) })
	return found
}

func (c *Config) replace(ref, value string) {
	c.APIKey = strings.ReplaceAll(c.APIKey, ref, value)
	c.each(func(s *string) { *s = strings.ReplaceAll(*s, ref, value) })
}

// each visits every server string that may hold an input reference.
func (c *Config) each(f func(*string)) {
	for i := range c.Servers {
		s := &c.Servers[i]
		f(&s.Command)
		for j := range s.Args {
			f(&s.Args[j])
		}
		f(&s.URL)
		for k, v := range s.Env {
			f(&v)
			s.Env[k] = v
		}
		for k, v := range s.Headers {
			f(&v)
			s.Headers[k] = v
		}
	}
}
