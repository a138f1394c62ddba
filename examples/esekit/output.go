package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/esekit/esekit/ese"
)

// writeJSON writes v as one indented JSON document.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// emit prints v: JSON with -json, otherwise the readable form.
func (e *env) emit(v any) {
	if e.json {
		if err := writeJSON(e.stdout, v); err != nil {
			fmt.Fprintf(e.stderr, "esekit: %v\n", err)
		}
		return
	}
	printReadable(e.stdout, v)
}

// emitFiles prints a verb's per-file results: one JSON document with
// -json; otherwise each result through print, a blank line between them,
// and a file that could not be read as "FILE: error: ...". It returns
// status, so a verb can end with `return e.emitFiles(out, status, ...)`.
func (e *env) emitFiles(out []any, status int, print func(any)) int {
	if e.json {
		e.emit(out)
		return status
	}
	for i, x := range out {
		if i > 0 {
			fmt.Fprintln(e.stdout)
		}
		if fe, ok := x.(fileError); ok {
			fmt.Fprintf(e.stdout, "%s: error: %s\n", fe.File, fe.Error)
			continue
		}
		print(x)
	}
	return status
}

// node is a JSON value with object keys kept in document order.
type node struct {
	keys   []string
	fields []*node // object members, parallel to keys
	items  []*node // array elements
	kind   byte    // 'o' object, 'a' array, 's' scalar
	scalar string  // scalar text as printed
}

// parseOrdered turns JSON into a node tree, keeping key order.
func parseOrdered(data []byte) (*node, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return parseNode(dec)
}

func parseNode(dec *json.Decoder) (*node, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			n := &node{kind: 'o'}
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := parseNode(dec)
				if err != nil {
					return nil, err
				}
				n.keys = append(n.keys, k.(string))
				n.fields = append(n.fields, v)
			}
			_, err := dec.Token()
			return n, err
		case '[':
			n := &node{kind: 'a'}
			for dec.More() {
				v, err := parseNode(dec)
				if err != nil {
					return nil, err
				}
				n.items = append(n.items, v)
			}
			_, err := dec.Token()
			return n, err
		}
	case nil:
		return &node{kind: 's', scalar: "-"}, nil
	case string:
		if t == "" {
			return &node{kind: 's', scalar: "-"}, nil
		}
		return &node{kind: 's', scalar: t}, nil
	case json.Number:
		return &node{kind: 's', scalar: t.String()}, nil
	case bool:
		return &node{kind: 's', scalar: strconv.FormatBool(t)}, nil
	}
	return nil, fmt.Errorf("unexpected JSON token %v", tok)
}

func (n *node) get(k string) *node {
	for i, key := range n.keys {
		if key == k {
			return n.fields[i]
		}
	}
	return nil
}

func (n *node) hasExactly(keys ...string) bool {
	if n.kind != 'o' || len(n.keys) != len(keys) {
		return false
	}
	for i, k := range keys {
		if n.keys[i] != k {
			return false
		}
	}
	return true
}

// compact renders the small objects that read best on one line: log
// positions in the engine's hex form with the decimal form beside it, and
// signatures. ok is false for anything else.
func (n *node) compact() (string, bool) {
	switch {
	case n.hasExactly("generation", "sector", "offset"):
		g, _ := strconv.ParseInt(n.fields[0].scalar, 10, 32)
		s, _ := strconv.ParseUint(n.fields[1].scalar, 10, 16)
		o, _ := strconv.ParseUint(n.fields[2].scalar, 10, 16)
		p := ese.LogPos{Generation: ese.Generation(g), Sector: uint16(s), Offset: uint16(o)}
		return p.String() + " = " + p.Decimal(), true
	case n.hasExactly("random", "created", "computer"):
		r, _ := strconv.ParseUint(n.fields[0].scalar, 10, 32)
		return sigFromFields(uint32(r), n.fields[1].scalar, n.fields[2].scalar).String(), true
	case n.hasExactly("mark", "mark_time", "gen_low", "gen_high"):
		if m, ok := n.fields[0].compact(); ok && n.fields[2].scalar == "0" && n.fields[3].scalar == "0" &&
			n.fields[1].scalar == "-" && strings.HasPrefix(m, "(0x0,0,0)") {
			return "(none)", true
		}
		return "", false
	case n.kind == 'a' && len(n.items) == 0:
		return "(none)", true
	case n.kind == 'a' && len(n.items) <= 16 && allScalar(n.items):
		parts := make([]string, len(n.items))
		for i, it := range n.items {
			parts[i] = it.scalar
		}
		return strings.Join(parts, ", "), true
	case n.kind == 'o' && len(n.keys) == 0:
		return "(none)", true
	}
	return "", false
}

func allScalar(ns []*node) bool {
	for _, n := range ns {
		if n.kind != 's' {
			return false
		}
	}
	return true
}

// label turns a JSON key into a readable label.
func label(k string) string { return strings.ReplaceAll(k, "_", " ") }

// printReadable prints v (any value that marshals to JSON) as an indented
// "label: value" listing in the order of its JSON fields. Top-level arrays
// of file objects print one block per file.
func printReadable(w io.Writer, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		fmt.Fprintf(w, "esekit: %v\n", err)
		return
	}
	n, err := parseOrdered(data)
	if err != nil {
		fmt.Fprintf(w, "esekit: %v\n", err)
		return
	}
	if n.kind == 'a' {
		for i, it := range n.items {
			if i > 0 {
				fmt.Fprintln(w)
			}
			printBlock(w, it)
		}
		return
	}
	printBlock(w, n)
}

// printBlock prints one top-level object, titled by its file and type.
func printBlock(w io.Writer, n *node) {
	if n.kind != 'o' {
		fmt.Fprintln(w, n.scalar)
		return
	}
	skip := map[string]bool{}
	if f := n.get("file"); f != nil && f.kind == 's' {
		title := f.scalar
		if t := n.get("type"); t != nil && t.kind == 's' {
			title += " (" + t.scalar + ")"
			skip["type"] = true
		}
		fmt.Fprintf(w, "%s\n", title)
		skip["file"] = true
	}
	printFields(w, n, 1, skip)
}

// genText is the print form of a log generation everywhere in readable
// output: hexadecimal, as the engine prints positions and log names
// ("0x52" for generation 82, the log SRU00052.log).
func genText(g ese.Generation) string { return g.String() }

// generationKeys are the JSON keys, besides "generation", "*_generation"
// and "gen_*", whose numbers are log generations.
var generationKeys = map[string]bool{
	"deletable_below": true, "generations": true, "deletable_logs": true, "anchor": true,
	"replay_from": true, "replay_to": true, "failed_at": true, "missing": true,
}

func isGenerationKey(k string) bool {
	return k == "generation" || strings.HasSuffix(k, "_generation") || generationKeys[k] ||
		(strings.HasPrefix(k, "gen_") && !strings.HasSuffix(k, "_time"))
}

// asGenerations returns n with its numbers (n itself, or the elements of
// an array of numbers) in genText's form.
func asGenerations(n *node) *node {
	conv := func(s *node) *node {
		if v, err := strconv.ParseInt(s.scalar, 10, 64); err == nil && s.kind == 's' && v >= -1<<31 && v < 1<<32 {
			return &node{kind: 's', scalar: genText(ese.Generation(uint32(v)))}
		}
		return s
	}
	switch n.kind {
	case 's':
		return conv(n)
	case 'a':
		c := &node{kind: 'a', items: make([]*node, len(n.items))}
		for i, it := range n.items {
			c.items[i] = conv(it)
		}
		return c
	}
	return n
}

func printFields(w io.Writer, n *node, depth int, skip map[string]bool) {
	width := 0
	for _, k := range n.keys {
		if !skip[k] && len(k) > width {
			width = len(k)
		}
	}
	ind := strings.Repeat("  ", depth)
	for i, k := range n.keys {
		if skip[k] {
			continue
		}
		v := n.fields[i]
		if isGenerationKey(k) {
			v = asGenerations(v)
		}
		printValue(w, ind, fmt.Sprintf("%-*s", width+1, label(k)+":"), v, depth)
	}
}

func printValue(w io.Writer, ind, lbl string, v *node, depth int) {
	if v.kind == 's' {
		fmt.Fprintf(w, "%s%s %s\n", ind, lbl, v.scalar)
		return
	}
	if s, ok := v.compact(); ok {
		fmt.Fprintf(w, "%s%s %s\n", ind, lbl, s)
		return
	}
	fmt.Fprintf(w, "%s%s\n", ind, strings.TrimRight(lbl, " "))
	if v.kind == 'o' {
		printFields(w, v, depth+1, nil)
		return
	}
	for i, it := range v.items {
		printValue(w, ind+"  ", fmt.Sprintf("[%d]", i), it, depth+1)
	}
}
