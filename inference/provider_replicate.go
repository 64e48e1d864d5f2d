package inference

// replicate is filled in by its provider file's task helpers.
var replicate = &provider{
	baseURL: "https://api.replicate.com",
	tasks:   map[Task]*taskHelper{},
}
