package inference

// wavespeed is filled in by its provider file's task helpers.
var wavespeed = &provider{
	baseURL: "https://api.wavespeed.ai",
	tasks:   map[Task]*taskHelper{},
}
