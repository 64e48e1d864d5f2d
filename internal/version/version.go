// Package version holds the release version of tiny-agents, shared by the
// CLI's --version and the inference client's default User-Agent.
package version

// Version is the tiny-agents release this build belongs to.
const Version = "0.1.0-dev"
