package inference

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// matrixJSON renders a rows x cols matrix of values like the ones
// embedding servers send.
func matrixJSON(rows, cols int) []byte {
	r := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	b.WriteByte('[')
	for i := range rows {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('[')
		for j := range cols {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.FormatFloat(float64(float32(r.NormFloat64()*0.05)), 'g', -1, 32))
		}
		b.WriteByte(']')
	}
	b.WriteByte(']')
	return []byte(b.String())
}

func TestParseEmbeddingsAgreesWithEncodingJSON(t *testing.T) {
	data := matrixJSON(7, 33)
	var want [][]float32
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	got, err := parseEmbeddings(data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Shape, []int{7, 33}) {
		t.Fatalf("shape = %v", got.Shape)
	}
	if !reflect.DeepEqual(got.Rows(), want) {
		t.Error("values differ from encoding/json's")
	}
}

func TestParseEmbeddingsShapes(t *testing.T) {
	for _, tc := range []struct {
		in    string
		shape []int
		err   string
	}{
		{`[1, 2.5, -3e-2]`, []int{3}, ""},
		{` [[1],[2]] `, []int{2, 1}, ""},
		{`[[[1,2],[3,4],[5,6]]]`, []int{1, 3, 2}, ""},
		{`[[1,2],[3]]`, nil, "ragged"},
		{`[[1,2],3]`, nil, "mixed"},
		{`[1,[2]]`, nil, "mixed"},
		{`[]`, []int{0}, ""},
		{`[[1,2]`, nil, "end of input"},
		{`[1,"a"]`, nil, "expected a number"},
		{`[1,2] x`, nil, "trailing"},
		{`{"a":1}`, nil, "expected '['"},
		{`[1e999]`, nil, "bad number"},
		{`[--1]`, nil, "bad number"},
	} {
		got, err := parseEmbeddings([]byte(tc.in))
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: err = %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got.Shape, tc.shape) {
			t.Errorf("%s: shape %v, err %v; want %v", tc.in, got, err, tc.shape)
		}
	}
}

// FuzzParseEmbeddings checks that the parser never panics and, whenever
// encoding/json reads the input as a matrix, agrees with it.
func FuzzParseEmbeddings(f *testing.F) {
	for _, s := range []string{`[[1,2],[3,4]]`, `[0.5]`, `[[1],[2,3]]`, `[[[1]]]`, `[1,[2]]`, `[[]]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := parseEmbeddings(data)
		var want [][]float32
		if json.Unmarshal(data, &want) != nil || len(want) == 0 {
			return
		}
		width := len(want[0])
		for _, row := range want {
			if len(row) != width {
				return
			}
		}
		if width == 0 {
			return
		}
		if err != nil {
			t.Fatalf("encoding/json reads %q as a matrix, parseEmbeddings fails: %v", data, err)
		}
		if !reflect.DeepEqual(got.Rows(), want) {
			t.Fatalf("%q: got %v, want %v", data, got.Rows(), want)
		}
	})
}

// BenchmarkEmbeddings1000x768 compares parsing a 1,000 x 768 embedding
// answer with parseEmbeddings and with encoding/json into [][]float32.
func BenchmarkEmbeddings1000x768(b *testing.B) {
	data := matrixJSON(1000, 768)
	b.Run("parseEmbeddings", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := parseEmbeddings(data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding_json", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			var m [][]float32
			if err := json.Unmarshal(data, &m); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkOpenAIEmbeddings100x1024 reads the OpenAI answer shape
// ({"data":[{"embedding":[...]}]}) that several providers send.
func BenchmarkOpenAIEmbeddings100x1024(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"object":"list","data":[`)
	for i := range 100 {
		if i > 0 {
			sb.WriteString(",")
		}
		fmt.Fprintf(&sb, `{"object":"embedding","index":%d,"embedding":[`, i)
		for j := range 1024 {
			if j > 0 {
				sb.WriteString(",")
			}
			fmt.Fprintf(&sb, "%.8f", float32(j)/3000-0.17)
		}
		sb.WriteString("]}")
	}
	sb.WriteString(`]}`)
	r := &rawResponse{data: []byte(sb.String())}
	tc := &taskCall{task: TaskFeatureExtraction}
	b.SetBytes(int64(len(r.data)))
	b.ReportAllocs()
	for b.Loop() {
		e, err := tc.openAIEmbeddings(r)
		if err != nil || len(e.Values) != 100*1024 {
			b.Fatal(err)
		}
	}
}
