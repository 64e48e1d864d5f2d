package inference

// blackForestLabs is filled in by its provider file's task helpers.
var blackForestLabs = &provider{
	baseURL: "https://api.us1.bfl.ai",
	tasks:   map[Task]*taskHelper{},
}
