package inferencetest

import "time"

// WaitIdle waits up to d for every running handler of s to return and
// reports whether they all did.
func (s *Server) WaitIdle(d time.Duration) bool {
	s.mu.Lock()
	if s.active == 0 {
		s.mu.Unlock()
		return true
	}
	if s.idle == nil {
		s.idle = make(chan struct{})
	}
	idle := s.idle
	s.mu.Unlock()
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-idle:
		return true
	case <-timer.C:
		return false
	}
}
