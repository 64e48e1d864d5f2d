package inference

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

var updateTable = flag.Bool("update-support-table", false, "rewrite the support tables of doc.go and README.md from the registry")

// supportRows returns, per task served by at least one provider, the
// providers that serve it, both sorted.
func supportRows() [][2]string {
	byTask := map[Task][]string{}
	for _, name := range Providers() {
		for _, task := range SupportedTasks(name) {
			byTask[task] = append(byTask[task], name)
		}
	}
	tasks := make([]Task, 0, len(byTask))
	for t := range byTask {
		tasks = append(tasks, t)
	}
	slices.Sort(tasks)
	rows := make([][2]string, len(tasks))
	for i, t := range tasks {
		rows[i] = [2]string{string(t), strings.Join(byTask[t], ", ")}
	}
	return rows
}

// goTable renders the table as indented doc-comment lines.
func goTable() string {
	var b strings.Builder
	b.WriteString("//\n//\ttask                            providers\n")
	for _, r := range supportRows() {
		fmt.Fprintf(&b, "//\t%-31s %s\n", r[0], r[1])
	}
	b.WriteString("//\n")
	return b.String()
}

// markdownTable renders the table for the README.
func markdownTable() string {
	var b strings.Builder
	b.WriteString("| task | providers |\n|---|---|\n")
	for _, r := range supportRows() {
		fmt.Fprintf(&b, "| %s | %s |\n", r[0], r[1])
	}
	return b.String()
}

// TestSupportTablesMatchRegistry fails when the task x provider tables of
// the package docs or the README differ from the registry. Run
// `go test ./inference -run SupportTables -update-support-table` after a
// registry change to rewrite them.
func TestSupportTablesMatchRegistry(t *testing.T) {
	for _, f := range []struct{ path, begin, end, table string }{
		{"doc.go", "// BEGIN SUPPORT TABLE.\n", "// END SUPPORT TABLE.\n", goTable()},
		{"../README.md", "<!-- BEGIN SUPPORT TABLE -->\n", "<!-- END SUPPORT TABLE -->\n", markdownTable()},
	} {
		src, err := os.ReadFile(f.path)
		if err != nil {
			t.Fatal(err)
		}
		before, rest, ok1 := strings.Cut(string(src), f.begin)
		_, after, ok2 := strings.Cut(rest, f.end)
		if !ok1 || !ok2 {
			t.Fatalf("%s has no %q ... %q markers", f.path, strings.TrimSpace(f.begin), strings.TrimSpace(f.end))
		}
		want := before + f.begin + f.table + f.end + after
		if want == string(src) {
			continue
		}
		if *updateTable {
			if err := os.WriteFile(f.path, []byte(want), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		t.Errorf("the support table of %s differs from the registry; run go test ./inference -run SupportTables -update-support-table", f.path)
	}
}
