package inference

var ovhcloud = &provider{
	baseURL: "https://oai.endpoints.kepler.ai.cloud.ovh.net",
	tasks:   map[Task]*taskHelper{TaskConversational: openAIChat()},
}
