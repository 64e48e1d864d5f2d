package agent

import (
	"context"
	"os"
	"strings"
)

// EnvName is the environment variable that supplies input id when the user
// gives nothing: the id upper-cased, dashes as underscores.
func EnvName(id string) string { return strings.ToUpper(strings.ReplaceAll(id, "-", "_")) }

// ResolveInputs replaces ${input:ID} in server env values, headers and URLs
// and in the API key. For each declared input that is used, ask (if not nil)
// is called first, as in the references; an empty answer falls back to the
// environment variable [EnvName](ID). Unused inputs are not asked for.
func (c *Config) ResolveInputs(ctx context.Context, ask func(Input) (string, error)) error {
	for _, in := range c.Inputs {
		if err := ctx.Err(); err != nil {
			return err
		}
		ref := "${input:" + in.ID + "}"
		if !c.uses(ref) {
			continue
		}
		value := ""
		if ask != nil {
			v, err := ask(in)
			if err != nil {
				return err
			}
			value = v
		}
		if value == "" {
			value = os.Getenv(EnvName(in.ID))
		}
		c.replace(ref, value)
	}
	return nil
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
