// Command taskgen writes the Go types of the Hugging Face inference tasks
// from the JSON Schema task specs shipped in the @huggingface/tasks npm
// package.
//
// Usage (from the inference directory, through go generate):
//
//	go run ./internal/taskgen -version 0.21.54 -out tasks_gen.go
//
// The specs are unpacked once into ../.cache/hf-tasks-VERSION (npm pack);
// -specs points at an already unpacked src/tasks directory instead. The
// specs' description texts are deliberately not carried over: each type
// and field gets a short comment built from its name and type.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"go/format"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// skipped tasks: chat completion has hand-written types (chat_types.go),
// placeholder is a template.
var skipped = map[string]bool{"chat-completion": true, "placeholder": true}

// withMethod lists the tasks a Client method calls. The types of the other
// tasks are generated as wire types only, and their comments say so.
var withMethod = map[string]bool{
	"audio-classification": true, "audio-to-audio": true, "automatic-speech-recognition": true,
	"document-question-answering": true, "feature-extraction": true, "fill-mask": true,
	"image-classification": true, "image-segmentation": true, "image-text-to-image": true,
	"image-text-to-video": true, "image-to-image": true, "image-to-text": true, "image-to-video": true,
	"object-detection": true, "question-answering": true, "sentence-similarity": true,
	"summarization": true, "table-question-answering": true, "tabular-classification": true,
	"tabular-regression": true, "text-classification": true, "text-generation": true,
	"text-to-audio": true, "text-to-image": true, "text-to-speech": true, "text-to-video": true,
	"token-classification": true, "translation": true, "visual-question-answering": true,
	"zero-shot-classification": true, "zero-shot-image-classification": true,
}

// optionalInAnswers lists output fields that the specs mark required but
// that real answers leave out (a document-question-answering model that
// gives no score nor span). They are generated as pointers, so that a
// caller tells a missing value from a real 0. Key: the Go type name.
var optionalInAnswers = map[string][]string{
	"DocumentQuestionAnsweringOutputElement": {"end", "score", "start"},
}

func main() {
	version := flag.String("version", "", "pinned @huggingface/tasks version to unpack")
	specs := flag.String("specs", "", "an unpacked src/tasks directory (overrides -version)")
	out := flag.String("out", "tasks_gen.go", "output file")
	flag.Parse()
	dir := *specs
	if dir == "" {
		if *version == "" {
			log.Fatal("taskgen: give -version or -specs")
		}
		var err error
		if dir, err = unpack(*version); err != nil {
			log.Fatal(err)
		}
	}
	src, err := generate(dir, *version)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		log.Fatal(err)
	}
}

// unpack fetches the pinned package with npm into the repository's .cache
// folder, once, and returns its src/tasks directory.
func unpack(version string) (string, error) {
	cache, err := filepath.Abs(filepath.Join("..", ".cache", "hf-tasks-"+version))
	if err != nil {
		return "", err
	}
	tasks := filepath.Join(cache, "package", "src", "tasks")
	if _, err := os.Stat(tasks); err == nil {
		return tasks, nil
	}
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return "", err
	}
	pack := exec.Command("npm", "pack", "--silent", "@huggingface/tasks@"+version)
	pack.Dir = cache
	name, err := pack.Output()
	if err != nil {
		return "", fmt.Errorf("taskgen: npm pack @huggingface/tasks@%s: %w", version, err)
	}
	untar := exec.Command("tar", "xzf", strings.TrimSpace(string(name)))
	untar.Dir = cache
	if outp, err := untar.CombinedOutput(); err != nil {
		return "", fmt.Errorf("taskgen: unpack: %v: %s", err, outp)
	}
	return tasks, nil
}

// schema is the subset of JSON Schema the task specs use.
type schema struct {
	Title       string             `json:"title"`
	Type        typeName           `json:"type"`
	Ref         string             `json:"$ref"`
	Properties  map[string]*schema `json:"properties"`
	Required    []string           `json:"required"`
	Items       *schema            `json:"items"`
	Enum        []any              `json:"enum"`
	Const       *string            `json:"const"`
	OneOf       []*schema          `json:"oneOf"`
	AnyOf       []*schema          `json:"anyOf"`
	AllOf       []*schema          `json:"allOf"`
	Defs        map[string]*schema `json:"$defs"`
	Definitions map[string]*schema `json:"definitions"`
	Nullable    bool               `json:"nullable"`
	Format      string             `json:"format"`
	AddProps    json.RawMessage    `json:"additionalProperties"`
}

// typeName is a schema's "type", which is a string or a list such as
// ["string", "null"]; a list keeps its first non-null member.
type typeName string

func (t *typeName) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*t = typeName(one)
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	for _, m := range many {
		if m != "null" {
			*t = typeName(m)
			break
		}
	}
	return nil
}

// gen accumulates named type declarations.
type gen struct {
	decls   map[string]string // type name -> declaration source
	structs map[string]bool   // names declared as structs
	common  map[string]*schema
	task    string
	local   map[string]*schema
	// shared is set while a common definition is generated: its types
	// serve several tasks.
	shared bool
}

func generate(dir, version string) ([]byte, error) {
	g := &gen{decls: map[string]string{}, structs: map[string]bool{}}
	var common schema
	if err := readJSON(filepath.Join(dir, "common-definitions.json"), &common); err != nil {
		return nil, err
	}
	g.common = common.Definitions
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if !e.IsDir() || skipped[e.Name()] {
			continue
		}
		for _, file := range []string{"input.json", "output.json", "stream_output.json"} {
			path := filepath.Join(dir, e.Name(), "spec", file)
			if _, err := os.Stat(path); err != nil {
				continue
			}
			var s schema
			if err := readJSON(path, &s); err != nil {
				return nil, err
			}
			g.task, g.local = e.Name(), s.Defs
			if err := g.root(&s); err != nil {
				return nil, fmt.Errorf("%s/%s: %w", e.Name(), file, err)
			}
		}
	}
	return g.render(version)
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// root declares a spec's top-level type. An array output becomes an
// element type named after the spec's title.
func (g *gen) root(s *schema) error {
	if s.Title == "" {
		return fmt.Errorf("spec without title")
	}
	if s.Type == "array" && s.Items != nil {
		elem := g.typeOf(s.Items, s.Title+"Element")
		if elem != s.Title+"Element" {
			g.declare(s.Title+"Element", fmt.Sprintf("// %sElement is one element of a %s task output.%s\ntype %sElement = %s\n", s.Title, g.task, g.wireOnly(), s.Title, elem))
		}
		return nil
	}
	g.typeOf(s, s.Title)
	return nil
}

func (g *gen) declare(name, src string) {
	if _, ok := g.decls[name]; !ok {
		g.decls[name] = src
	}
}

// typeOf returns the Go type for s, declaring named types as it goes.
// hint names an anonymous object or enum that needs a name.
func (g *gen) typeOf(s *schema, hint string) string {
	switch {
	case s.Ref != "":
		return g.ref(s)
	case len(s.AllOf) == 1:
		return g.typeOf(s.AllOf[0], hint)
	case len(s.Enum) > 0 || constAlternatives(s):
		return g.enum(s, hint)
	case len(s.OneOf) > 0 || len(s.AnyOf) > 0:
		return g.union(s, hint)
	}
	switch s.Type {
	case "string":
		return "string"
	case "integer":
		return "int"
	case "number":
		return "float64"
	case "boolean":
		return "bool"
	case "array":
		if s.Items == nil {
			return "[]any"
		}
		return "[]" + g.typeOf(s.Items, hint+"Item")
	case "object", "":
		if len(s.Properties) == 0 {
			if s.Type == "" {
				return "any"
			}
			return "map[string]any"
		}
		name := s.Title
		if name == "" {
			name = hint
		}
		g.object(name, s)
		return name
	}
	return "any"
}

// ref resolves a local or common-definitions reference. A property that
// carries its own title over a common definition gets an alias of that name.
func (g *gen) ref(s *schema) string {
	i := strings.LastIndex(s.Ref, "/")
	key := s.Ref[i+1:]
	var target *schema
	if strings.HasPrefix(s.Ref, "#/$defs/") {
		target = g.local[key]
	} else {
		target = g.common[key]
	}
	if target == nil {
		log.Fatalf("taskgen: %s: unresolved $ref %s", g.task, s.Ref)
	}
	name := target.Title
	if name == "" {
		name = key
	}
	saved, savedShared := g.local, g.shared
	if !strings.HasPrefix(s.Ref, "#/") {
		g.local, g.shared = nil, true
	}
	typ := g.typeOf(target, name)
	g.local, g.shared = saved, savedShared
	if s.Title != "" && s.Title != typ {
		g.declare(s.Title, fmt.Sprintf("// %s is the %s type as the %s task names it.%s\ntype %s = %s\n", s.Title, typ, g.task, g.wireOnly(), s.Title, typ))
		return s.Title
	}
	return typ
}

func constAlternatives(s *schema) bool {
	if len(s.OneOf) == 0 {
		return false
	}
	for _, alt := range s.OneOf {
		if alt.Const == nil && (len(alt.Enum) != 1 || alt.Type != "string") {
			return false
		}
	}
	return true
}

// enum declares a string type with one constant per allowed value.
func (g *gen) enum(s *schema, hint string) string {
	name := s.Title
	if name == "" {
		name = hint
	}
	var values []string
	for _, v := range s.Enum {
		values = append(values, fmt.Sprint(v))
	}
	for _, alt := range s.OneOf {
		if alt.Const != nil {
			values = append(values, *alt.Const)
		} else {
			values = append(values, fmt.Sprint(alt.Enum[0]))
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "// %s is one of the values a %s field accepts.%s\ntype %s string\n\n", name, g.task, g.wireOnly(), name)
	fmt.Fprintf(&b, "// Values of %s.\nconst (\n", name)
	for _, v := range values {
		fmt.Fprintf(&b, "\t%s%s %s = %q\n", name, goName(v), name, v)
	}
	b.WriteString(")\n")
	g.declare(name, b.String())
	return name
}

// union handles oneOf/anyOf: alternatives that are all objects merge into
// one struct; anything else is carried as any.
func (g *gen) union(s *schema, hint string) string {
	alts := append(s.OneOf, s.AnyOf...)
	merged := &schema{Title: s.Title, Type: "object", Properties: map[string]*schema{}}
	for _, alt := range alts {
		if alt.Ref != "" {
			i := strings.LastIndex(alt.Ref, "/")
			if t := g.local[alt.Ref[i+1:]]; t != nil {
				alt = t
			}
		}
		if alt.Type != "object" || len(alt.Properties) == 0 {
			return "any"
		}
		for k, v := range alt.Properties {
			if _, ok := merged.Properties[k]; !ok {
				merged.Properties[k] = v
			}
		}
	}
	return g.typeOf(merged, hint)
}

// object declares a struct. Optional scalar fields (and the fields of
// optionalInAnswers) are pointers, so that a zero value can still be sent
// and a missing one told from zero in an answer; optional strings, slices,
// maps and structs are omitted when empty. Strings stay strings: in every
// output the specs have (token_str, entity, entity_group, answer,
// aggregator, generated_text), absent and empty mean the same thing.
func (g *gen) object(name string, s *schema) {
	if _, ok := g.decls[name]; ok {
		return
	}
	g.decls[name] = "" // reserve against recursion
	g.structs[name] = true
	keys := make([]string, 0, len(s.Properties))
	for k := range s.Properties {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	fmt.Fprintf(&b, "// %s is a %s type with %d fields.%s\ntype %s struct {\n", name, g.task, len(keys), g.wireOnly(), name)
	for _, k := range keys {
		p := s.Properties[k]
		field := goName(k)
		typ := g.typeOf(p, name+field)
		required := slices.Contains(s.Required, k) && !slices.Contains(optionalInAnswers[name], k)
		tag := k
		if !required || p.Nullable {
			tag += ",omitempty"
			if typ == "int" || typ == "float64" || typ == "bool" || g.structs[typ] {
				typ = "*" + typ
			}
		}
		fmt.Fprintf(&b, "\t// %s is the %s field (%s).\n\t%s %s `json:%q`\n", field, k, describe(typ), field, typ, tag)
	}
	b.WriteString("}\n")
	g.decls[name] = b.String()
}

// wireOnly is the sentence that ends the comment of a type of a task no
// Client method calls.
func (g *gen) wireOnly() string {
	if g.shared || withMethod[g.task] {
		return ""
	}
	return "\n// It is a wire type only: no Client method calls " + g.task + "; Client.Post sends such a request."
}

func describe(typ string) string {
	if strings.HasPrefix(typ, "*") {
		return "optional " + typ[1:]
	}
	return typ
}

// initialisms are written in upper case in Go names.
var initialisms = map[string]string{"id": "ID", "url": "URL", "json": "JSON", "ids": "IDs", "api": "API", "fps": "FPS", "tts": "TTS"}

// goName turns snake_case, kebab-case or free text into an exported Go name.
func goName(s string) string {
	parts := strings.FieldsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	})
	var b strings.Builder
	for _, p := range parts {
		if up, ok := initialisms[strings.ToLower(p)]; ok {
			b.WriteString(up)
			continue
		}
		b.WriteString(strings.ToUpper(p[:1]) + p[1:])
	}
	if b.Len() == 0 {
		return "Empty"
	}
	out := b.String()
	if out[0] >= '0' && out[0] <= '9' {
		out = "V" + out
	}
	return out
}

func (g *gen) render(version string) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("// Code generated by internal/taskgen from the @huggingface/tasks task specs")
	if version != "" {
		fmt.Fprintf(&b, " (version %s)", version)
	}
	b.WriteString("; DO NOT EDIT.\n\npackage inference\n\n")
	names := make([]string, 0, len(g.decls))
	for n := range g.decls {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		b.WriteString(g.decls[n])
		b.WriteString("\n")
	}
	src, err := format.Source(b.Bytes())
	if err != nil {
		return b.Bytes(), fmt.Errorf("taskgen: gofmt: %w", err)
	}
	return src, nil
}
