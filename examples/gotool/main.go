// Command gotool gives an agent a tool written as a plain Go function. The
// argument struct's tags become the JSON Schema the model sees; arguments
// are checked before the function runs, and a bad one is told to the model.
//
//	gotool "Convert 100 fahrenheit to celsius"            # HF_TOKEN, the Hugging Face router
//	gotool -offline "Convert 100 fahrenheit to celsius"   # a scripted model: no token, no network
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/tiny-agents-go/tiny-agents/agent"
	"github.com/tiny-agents-go/tiny-agents/inference/inferencetest"
	"github.com/tiny-agents-go/tiny-agents/mcpclient"
	"github.com/tiny-agents-go/tiny-agents/tools"
)

// ConvertArgs are the arguments of the convert tool.
type ConvertArgs struct {
	Value float64 `json:"value" jsonschema:"description=the temperature to convert"`
	From  string  `json:"from" jsonschema:"enum=celsius,enum=fahrenheit,description=the unit of value"`
}

// Converted is the convert tool's result, sent to the model as JSON.
type Converted struct {
	Value float64 `json:"value"`
	Unit  string  `json:"unit"`
}

func convert(_ context.Context, in ConvertArgs) (Converted, error) {
	if in.From == "fahrenheit" {
		return Converted{Value: (in.Value - 32) * 5 / 9, Unit: "celsius"}, nil
	}
	return Converted{Value: in.Value*9/5 + 32, Unit: "fahrenheit"}, nil
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "gotool:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("gotool", flag.ContinueOnError)
	model := fs.String("model", "Qwen/Qwen3-235B-A22B-Instruct-2507", "Hub model id")
	offline := fs.Bool("offline", false, "answer from a local scripted model (no token, no network)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	prompt := strings.TrimSpace(strings.Join(fs.Args(), " "))
	if prompt == "" {
		return errors.New("usage: gotool [flags] PROMPT")
	}
	convertTool, err := tools.New("convert", "Converts a temperature between celsius and fahrenheit.", convert, tools.ReadOnly())
	if err != nil {
		return err
	}
	cfg := &agent.Config{Model: *model, Prompt: "Use the convert tool for any conversion."}
	if *offline {
		tb := &inferencetest.Standalone{}
		defer tb.Close()
		cfg.EndpointURL = inferencetest.NewServer(tb, offlineScript()...).URL + "/v1"
	}
	a, err := agent.New(ctx, cfg, agent.WithTools(convertTool))
	if err != nil {
		return err
	}
	defer a.Close()
	for ev, err := range a.Run(ctx, prompt) {
		if err != nil {
			return err
		}
		switch e := ev.(type) {
		case *mcpclient.ToolResultEvent:
			if !e.ExitLoop {
				fmt.Fprintf(stdout, "[%s %s -> %s]\n", e.Call.Function.Name, e.Call.Function.Arguments, e.Message.Content)
			}
		case *mcpclient.RunEndEvent:
			fmt.Fprintln(stdout, e.Answer)
		}
	}
	return nil
}

// offlineScript calls convert with a bad unit, then a good one, then
// answers: the model is told what was wrong and tries again.
func offlineScript() []inferencetest.Step {
	call := func(id, args string) inferencetest.Step {
		return inferencetest.ToolCalls(inferencetest.ToolCall{ID: id, Name: "convert", Arguments: []string{args}})
	}
	return []inferencetest.Step{
		call("c1", `{"value":100,"from":"kelvin"}`),
		call("c2", `{"value":100,"from":"fahrenheit"}`),
		{Text: []string{"100 °F is about 37.8 °C."},
			ToolCalls: []inferencetest.ToolCall{{ID: "c3", Name: "task_complete", Arguments: []string{"{}"}}}},
	}
}
