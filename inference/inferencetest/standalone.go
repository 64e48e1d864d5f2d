package inferencetest

import (
	"errors"
	"fmt"
	"os"
	"sync"
)

// Standalone is a [TB] for code that has no *testing.T: Example functions,
// demos and benchmark programs. Failures are printed to standard error and
// kept; Close runs the cleanups. It is safe for concurrent use.
type Standalone struct {
	mu       sync.Mutex
	cleanups []func()
	failures []string
}

// Helper does nothing; it exists to satisfy [TB].
func (*Standalone) Helper() {}

// Errorf prints and records a failure.
func (s *Standalone) Errorf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	fmt.Fprintln(os.Stderr, msg)
	s.mu.Lock()
	s.failures = append(s.failures, msg)
	s.mu.Unlock()
}

// Cleanup registers f to run at Close, after the functions registered later.
func (s *Standalone) Cleanup(f func()) {
	s.mu.Lock()
	s.cleanups = append(s.cleanups, f)
	s.mu.Unlock()
}

// Close runs the registered cleanups in reverse order, which stops the fakes
// and checks their scripts, and returns an error joining every failure seen.
func (s *Standalone) Close() error {
	s.mu.Lock()
	fns := s.cleanups
	s.cleanups = nil
	s.mu.Unlock()
	for i := len(fns) - 1; i >= 0; i-- {
		fns[i]()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	errs := make([]error, len(s.failures))
	for i, f := range s.failures {
		errs[i] = errors.New(f)
	}
	return errors.Join(errs...)
}
