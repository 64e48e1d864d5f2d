package inference

// falAI is filled in by its provider file's task helpers.
var falAI = &provider{
	baseURL: "https://fal.run",
	tasks:   map[Task]*taskHelper{},
}
