package mcpclient

// SetStartHook makes c call f with the pid of every stdio child it starts,
// before the initialize handshake.
func SetStartHook(c *Client, f func(pid int)) { c.onStart = f }
