package tools_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/tiny-agents-go/tiny-agents/tools"
)

// WeatherArgs are the arguments of the get_weather tool of ExampleNew.
type WeatherArgs struct {
	City string `json:"city" jsonschema_description:"The city, as its inhabitants spell it"`
	Unit string `json:"unit,omitempty" jsonschema:"enum=celsius,enum=fahrenheit,default=celsius"`
	Days int    `json:"days,omitempty" jsonschema:"description=How many days to forecast,minimum=1,maximum=16,default=1"`
}

// Forecast is the result of the get_weather tool of ExampleNew.
type Forecast struct {
	City  string    `json:"city"`
	Unit  string    `json:"unit"`
	Highs []float64 `json:"highs"`
}

func ExampleNew() {
	weather, err := tools.New("get_weather", "Get the weather forecast for a city.",
		func(ctx context.Context, args WeatherArgs) (Forecast, error) {
			f := Forecast{City: args.City, Unit: args.Unit}
			for day := range args.Days {
				f.Highs = append(f.Highs, 21.5+float64(day))
			}
			return f, nil
		},
		tools.ReadOnly())
	if err != nil {
		fmt.Println(err)
		return
	}

	fmt.Println("read-only:", weather.Annotations.ReadOnly())
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(weather.Definition().Function.Parameters); err != nil {
		fmt.Println(err)
		return
	}

	ctx := context.Background()
	for _, args := range []string{
		`{"city": "Paris", "days": 2}`,
		`{"city": "Oslo", "unit": "kelvin", "days": "3"}`,
		`{"days": 0}`,
	} {
		text, err := weather.Call(ctx, json.RawMessage(args))
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		fmt.Println(text)
	}
	// Output:
	// read-only: true
	// {
	//   "properties": {
	//     "city": {
	//       "type": "string",
	//       "description": "The city, as its inhabitants spell it"
	//     },
	//     "unit": {
	//       "type": "string",
	//       "enum": [
	//         "celsius",
	//         "fahrenheit"
	//       ],
	//       "default": "celsius"
	//     },
	//     "days": {
	//       "type": "integer",
	//       "maximum": 16,
	//       "minimum": 1,
	//       "description": "How many days to forecast",
	//       "default": 1
	//     }
	//   },
	//   "additionalProperties": false,
	//   "type": "object",
	//   "required": [
	//     "city"
	//   ]
	// }
	// {"city":"Paris","unit":"celsius","highs":[21.5,22.5]}
	// error: invalid arguments for get_weather: "unit" must be one of "celsius", "fahrenheit", got "kelvin"; "days" must be an integer, got a string
	// error: invalid arguments for get_weather: missing required argument "city"; "days" must be at least 1, got 0
}

func ExampleNewRaw() {
	echo, err := tools.NewRaw("echo", "Repeat a text.",
		json.RawMessage(`{"type":"object","properties":{"text":{"type":"string","minLength":1}},"required":["text"]}`),
		func(ctx context.Context, args json.RawMessage) (string, error) {
			var in struct{ Text string }
			if err := json.Unmarshal(args, &in); err != nil {
				return "", err
			}
			return in.Text, nil
		})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	for _, args := range []string{`{"text":"hello"}`, `{"text":""}`, `[1]`, `{"text":`} {
		text, err := echo.Call(ctx, json.RawMessage(args))
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		fmt.Println(text)
	}
	// Output:
	// hello
	// error: invalid arguments for echo: "text" must be at least 1 character long, got 0
	// error: invalid arguments for echo: the arguments must be a JSON object, got an array
	// error: invalid arguments for echo: the arguments are not valid JSON: unexpected EOF
}
