package tokenfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tiny-agents-go/tiny-agents/mcpclient"
)

const key = "https://mcp.example.com/mcp"

func sample(access string) *mcpclient.Token {
	return &mcpclient.Token{AccessToken: access, TokenType: "Bearer", RefreshToken: "rt-" + access,
		Expiry: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC), Scope: "mcp:basic", ClientID: "client-1",
		AuthMethod: "none", Issuer: "https://as.example.com", TokenURL: "https://as.example.com/token", Resource: key}
}

// newStore returns a Store in a folder that does not exist yet.
func newStore(t *testing.T) *Store {
	t.Helper()
	return New(filepath.Join(t.TempDir(), "config", "tokens"))
}

func mode(t *testing.T, path string) os.FileMode {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Mode().Perm()
}

func TestRoundTripAndModes(t *testing.T) {
	s := newStore(t)
	if tok, err := s.Load(t.Context(), key); tok != nil || err != nil {
		t.Fatalf("Load before Save = %v, %v; want nil, nil", tok, err)
	}
	want := sample("at-1")
	if err := s.Save(t.Context(), key, want); err != nil {
		t.Fatal(err)
	}
	got, err := s.Load(t.Context(), key)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("Load = %+v, %v; want %+v", got, err, want)
	}
	if m := mode(t, s.Dir()); m != 0o700 {
		t.Errorf("folder mode %04o, want 0700", m)
	}
	if m := mode(t, s.Path(key)); m != 0o600 {
		t.Errorf("file mode %04o, want 0600", m)
	}
	b, _ := os.ReadFile(s.Path(key))
	if !strings.Contains(string(b), `"key": "`+key+`"`) {
		t.Errorf("the file does not name its key:\n%s", b)
	}
	if strings.Contains(filepath.Base(s.Path(key)), "example") {
		t.Errorf("the file is named after the server: %s", s.Path(key))
	}
	if s.Path(key) == s.Path(key+"2") {
		t.Error("two keys share a file")
	}
}

func TestSaveTightensAnOpenFolder(t *testing.T) {
	s := newStore(t)
	if err := os.MkdirAll(s.Dir(), 0o755); err != nil {
		t.Fatal(err)
	}
	os.Chmod(s.Dir(), 0o755)
	if err := s.Save(t.Context(), key, sample("at")); err != nil {
		t.Fatal(err)
	}
	if m := mode(t, s.Dir()); m != 0o700 {
		t.Errorf("folder mode %04o, want 0700", m)
	}
}

func TestLoadRefusesAFileOthersCanRead(t *testing.T) {
	s := newStore(t)
	if err := s.Save(t.Context(), key, sample("at-secret-value")); err != nil {
		t.Fatal(err)
	}
	path := s.Path(key)
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	tok, err := s.Load(t.Context(), key)
	var pe *PermissionError
	if tok != nil || !errors.As(err, &pe) || pe.Path != path {
		t.Fatalf("Load = %v, %v; want a *PermissionError for %s", tok, err, path)
	}
	for _, want := range []string{path, "chmod 600 " + path, "0644", "delete it"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the message lacks %q: %s", want, err)
		}
	}
	if strings.Contains(err.Error(), "at-secret-value") {
		t.Errorf("the message quotes the token: %s", err)
	}
	// The listing shows the file without reading it.
	list, err := s.List(t.Context())
	if err != nil || len(list) != 1 || !errors.As(list[0].Err, &pe) || list[0].Token.AccessToken != "" {
		t.Errorf("List = %+v, %v", list, err)
	}
}

func TestLoadBadFiles(t *testing.T) {
	s := newStore(t)
	if err := s.Save(t.Context(), key, sample("at-secret-value")); err != nil {
		t.Fatal(err)
	}
	// A file renamed by hand under another key's name.
	other := "https://other.example.com/mcp"
	if err := os.Rename(s.Path(key), s.Path(other)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load(t.Context(), other); err == nil || !strings.Contains(err.Error(), s.Path(other)) {
		t.Errorf("Load of a file for another key = %v", err)
	}
	// A truncated file.
	os.WriteFile(s.Path(key), []byte(`{"key":"`+key+`","token":{"access_token":"at-secret-value`), 0o600)
	_, err := s.Load(t.Context(), key)
	if err == nil || !strings.Contains(err.Error(), s.Path(key)) || strings.Contains(err.Error(), "at-secret-value") {
		t.Errorf("Load of a truncated file = %v", err)
	}
}

func TestListAndDelete(t *testing.T) {
	s := newStore(t)
	if list, err := s.List(t.Context()); list != nil || err != nil {
		t.Fatalf("List of a missing folder = %v, %v", list, err)
	}
	keys := []string{"https://b.example.com/mcp", "https://a.example.com/mcp", "http://127.0.0.1:8080/sse"}
	for i, k := range keys {
		if err := s.Save(t.Context(), k, sample(fmt.Sprint("at-", i))); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(s.Dir(), "notes.txt"), []byte("not a token"), 0o600)
	list, err := s.List(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range list {
		if e.Err != nil || e.Path != s.Path(e.Key) {
			t.Errorf("entry %+v", e)
		}
		got = append(got, e.Key)
	}
	if want := []string{"http://127.0.0.1:8080/sse", "https://a.example.com/mcp", "https://b.example.com/mcp"}; !reflect.DeepEqual(got, want) {
		t.Errorf("keys = %q, want %q", got, want)
	}
	if ok, err := s.Delete(t.Context(), keys[0]); !ok || err != nil {
		t.Errorf("Delete = %v, %v", ok, err)
	}
	if ok, err := s.Delete(t.Context(), keys[0]); ok || err != nil {
		t.Errorf("Delete again = %v, %v; want false, nil", ok, err)
	}
	if err := s.Save(t.Context(), keys[1], nil); err != nil {
		t.Errorf("Save(nil) = %v", err)
	}
	if list, _ := s.List(t.Context()); len(list) != 1 || list[0].Key != keys[2] {
		t.Errorf("after deleting two: %+v", list)
	}
}

func TestFailedWriteLeavesNoPartialFile(t *testing.T) {
	s := newStore(t)
	old := sample("at-old")
	if err := s.Save(t.Context(), key, old); err != nil {
		t.Fatal(err)
	}
	var tmpSeen string
	s.beforeRename = func(tmp string) error {
		tmpSeen = tmp
		if m := mode(t, tmp); m != 0o600 {
			t.Errorf("temporary file mode %04o, want 0600", m)
		}
		return errors.New("disk full")
	}
	if err := s.Save(t.Context(), key, sample("at-new")); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("Save = %v, want the write's error", err)
	}
	if _, err := os.Stat(tmpSeen); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the temporary file %s is left: %v", tmpSeen, err)
	}
	if got, err := s.Load(t.Context(), key); err != nil || !reflect.DeepEqual(got, old) {
		t.Errorf("after a failed Save, Load = %+v, %v; want the old token", got, err)
	}
	// A rename that fails (the file's place is a folder) leaves nothing either.
	s.beforeRename = nil
	k2 := "https://blocked.example.com/mcp"
	os.Mkdir(s.Path(k2), 0o700)
	if err := s.Save(t.Context(), k2, sample("at-2")); err == nil {
		t.Fatal("Save onto a folder succeeded")
	}
	des, _ := os.ReadDir(s.Dir())
	for _, de := range des {
		if strings.HasPrefix(de.Name(), ".tmp-") {
			t.Errorf("temporary file left: %s", de.Name())
		}
	}
}

func TestConcurrentSave(t *testing.T) {
	s := newStore(t)
	keys := []string{"https://a.example.com/mcp", "https://b.example.com/mcp"}
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			k := keys[i%2]
			if err := s.Save(t.Context(), k, sample(fmt.Sprint("at-", i))); err != nil {
				t.Error(err)
			}
			if tok, err := s.Load(t.Context(), k); err != nil || tok == nil {
				t.Errorf("Load during Saves = %v, %v", tok, err)
			}
		})
	}
	wg.Wait()
	for i, k := range keys {
		tok, err := s.Load(t.Context(), k)
		if err != nil || tok == nil {
			t.Fatalf("Load(%s) = %v, %v", k, tok, err)
		}
		var n int
		if _, err := fmt.Sscanf(tok.AccessToken, "at-%d", &n); err != nil || n%2 != i {
			t.Errorf("%s holds %q, a token saved for the other key", k, tok.AccessToken)
		}
	}
	des, _ := os.ReadDir(s.Dir())
	if len(des) != 2 {
		var names []string
		for _, de := range des {
			names = append(names, de.Name())
		}
		t.Errorf("files %q, want two", names)
	}
}

func TestDir(t *testing.T) {
	t.Setenv(EnvConfigDir, "/tmp/ta-config")
	if d, err := Dir(); err != nil || d != filepath.Join("/tmp/ta-config", "tokens") {
		t.Errorf("Dir() = %q, %v", d, err)
	}
	t.Setenv(EnvConfigDir, "")
	t.Setenv("XDG_CONFIG_HOME", "/tmp/xdg")
	base, err := os.UserConfigDir()
	if err != nil {
		t.Skip(err)
	}
	if d, err := Dir(); err != nil || d != filepath.Join(base, "tiny-agents", "tokens") {
		t.Errorf("Dir() = %q, %v", d, err)
	}
}
