package main

import (
	"strings"
	"testing"
)

func TestOffline(t *testing.T) {
	var out strings.Builder
	if err := run(t.Context(), []string{"-offline", "Convert 100 F"}, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`[convert {"value":100,"from":"kelvin"} -> Error: MCP tool call failed with error message: invalid arguments for convert: "from" must be one of "celsius", "fahrenheit", got "kelvin"]`,
		`[convert {"value":100,"from":"fahrenheit"} -> {"value":37.77777777777778,"unit":"celsius"}]`,
		"100 °F is about 37.8 °C.\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
