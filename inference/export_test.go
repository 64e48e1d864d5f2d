package inference

// DirectBaseURL exposes a provider's own base URL to the external tests, so
// that they assert routing without spelling out hosts they must not reach.
func DirectBaseURL(name string) string { return providers[name].baseURL }
