package fsserver

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	mcpc "github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
)

// raceSecret marks everything outside the root in the race test.
const raceSecret = "OUTSIDE-SECRET-5d1e"

// swapper swaps root/swap, a directory, with root/link, a symbolic link
// out of the root, until stopped: the path every tool call of the race test
// goes through is a directory one moment and a way out the next.
type swapper struct {
	a, b  string
	swaps atomic.Int64
	stop  chan struct{}
	done  chan struct{}
	err   error // set before done closes
}

// startSwapper starts swapping a and b, with renameat2 RENAME_EXCHANGE or,
// without it, three renames.
func startSwapper(a, b string) *swapper {
	s := &swapper{a: a, b: b, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		useRename := false
		for {
			select {
			case <-s.stop:
				return
			default:
			}
			var err error
			if !useRename {
				err = exchange(a, b)
				if errors.Is(err, syscall.ENOSYS) || errors.Is(err, syscall.EINVAL) {
					useRename, err = true, nil
					continue
				}
			} else {
				err = renameSwap(a, b)
			}
			if err != nil {
				s.err = err
				return
			}
			s.swaps.Add(1)
		}
	}()
	return s
}

// renameSwap swaps a and b with three renames.
func renameSwap(a, b string) error {
	tmp := a + ".swap"
	if err := os.Rename(a, tmp); err != nil {
		return err
	}
	if err := os.Rename(b, a); err != nil {
		return err
	}
	return os.Rename(tmp, b)
}

// halt stops the swapper, waits for it, and returns its error.
func (s *swapper) halt() error {
	close(s.stop)
	<-s.done
	return s.err
}

// snapshot maps each file under dir to its content and mtime.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		data := ""
		if fi.Mode().IsRegular() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			data = string(b)
		}
		m[p] = fmt.Sprintf("%s %v %s %q", fi.Mode(), fi.ModTime().UnixNano(), fi.Name(), data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// raceCall is one tool call of the race test; args gets the iteration.
type raceCall struct {
	tool string
	args func(i int) map[string]any
}

// raceCalls are the calls of the race test, all on paths under swap/.
var raceCalls = []raceCall{
	{"read_file", func(int) map[string]any { return map[string]any{"path": "swap/f.txt"} }},
	{"read_file", func(int) map[string]any { return map[string]any{"path": "swap/f.txt", "offset": 1, "limit": 1} }},
	{"list_directory", func(int) map[string]any { return map[string]any{"path": "swap"} }},
	{"get_file_info", func(int) map[string]any { return map[string]any{"path": "swap/f.txt"} }},
	{"search_files", func(int) map[string]any { return map[string]any{"path": "swap", "pattern": "SECRET"} }},
	{"write_file", func(i int) map[string]any {
		return map[string]any{"path": fmt.Sprintf("swap/new-%d.txt", i%50), "content": "written"}
	}},
	{"write_file", func(int) map[string]any { return map[string]any{"path": "swap/f.txt", "content": "inside f\n"} }},
	{"edit_file", func(i int) map[string]any {
		return map[string]any{"path": "swap/e.txt", "old_text": []string{"old", "new"}[i%2], "new_text": []string{"new", "old"}[i%2]}
	}},
}

// raceLeaks are what a result shows if a call read outside the root: the
// outside files' content, a name only the outside directory has, and the
// outside f.txt's size.
var raceLeaks = []string{raceSecret, "marker-5d1e", "size: 777"}

// TestSwapRace runs the tools on paths under a directory that another
// goroutine keeps swapping with a symbolic link out of the root, and checks
// that nothing outside was read, listed, described, changed or created.
func TestSwapRace(t *testing.T) {
	outside := t.TempDir()
	os.WriteFile(filepath.Join(outside, "f.txt"), []byte(raceSecret+strings.Repeat(".", 757)+"\n"), 0o644) // 777 bytes
	os.WriteFile(filepath.Join(outside, "e.txt"), []byte(raceSecret+" old\n"), 0o644)
	os.WriteFile(filepath.Join(outside, "marker-5d1e.txt"), []byte(raceSecret), 0o644)
	before := snapshot(t, outside)

	root := t.TempDir()
	os.Mkdir(filepath.Join(root, "swap"), 0o755)
	os.WriteFile(filepath.Join(root, "swap", "f.txt"), []byte("inside f\n"), 0o644)
	os.WriteFile(filepath.Join(root, "swap", "e.txt"), []byte("inside old\n"), 0o644)
	os.Symlink(outside, filepath.Join(root, "link"))
	c := connect(t, root)

	sw := startSwapper(filepath.Join(root, "swap"), filepath.Join(root, "link"))
	ok, refused := runRaceCalls(t, c, time.Now().Add(1500*time.Millisecond))
	if err := sw.halt(); err != nil {
		t.Fatalf("swapper: %v", err)
	}
	t.Logf("%d tool calls (%d succeeded, %d refused or failed) during %d swaps", ok+refused, ok, refused, sw.swaps.Load())
	after := snapshot(t, outside)
	for p, was := range before {
		if after[p] != was {
			t.Errorf("outside the root, %s changed: %s -> %s", p, was, after[p])
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			t.Errorf("outside the root, %s appeared", p)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(root, "*", ".tmp-*")); len(left) != 0 {
		t.Errorf("temporary files left in the root: %v", left)
	}
	if ok == 0 || sw.swaps.Load() < 10 {
		t.Errorf("the race did not run: %d successful calls, %d swaps", ok, sw.swaps.Load())
	}
}

// runRaceCalls runs each of raceCalls in a loop on its own goroutine until
// deadline, failing the test on any result that shows something from
// outside the root. It returns how many calls succeeded and how many
// returned a tool error.
func runRaceCalls(t *testing.T, c *mcpc.Client, deadline time.Time) (ok, refused int64) {
	var okN, refusedN atomic.Int64
	var wg sync.WaitGroup
	for _, rc := range raceCalls {
		wg.Go(func() {
			for i := 0; time.Now().Before(deadline); i++ {
				var req mcp.CallToolRequest
				req.Params.Name, req.Params.Arguments = rc.tool, rc.args(i)
				res, err := c.CallTool(t.Context(), req)
				if err != nil {
					t.Errorf("%s: protocol error %v", rc.tool, err)
					return
				}
				out, isErr := resultText(res)
				for _, leak := range raceLeaks {
					if strings.Contains(out, leak) {
						t.Errorf("%s %v read outside the root: %q", rc.tool, rc.args(i), out)
					}
				}
				if isErr {
					refusedN.Add(1)
				} else {
					okN.Add(1)
				}
			}
		})
	}
	wg.Wait()
	return okN.Load(), refusedN.Load()
}
