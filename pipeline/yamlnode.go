package pipeline

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// ConfigError is one mistake in a config file: where it is, which key,
// and what is wrong.
type ConfigError struct {
	File string
	Line int    // 0 when the mistake is the file as a whole
	Key  string // jobs[0].schedule
	Msg  string
}

func (e *ConfigError) Error() string {
	switch {
	case e.Line > 0 && e.Key != "":
		return fmt.Sprintf("%s:%d: %s: %s", e.File, e.Line, e.Key, e.Msg)
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// decoder walks a yaml.Node tree, collecting every mistake with its line.
type decoder struct {
	file string
	errs []error
}

func (d *decoder) errorf(n *yaml.Node, key, format string, a ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	d.errs = append(d.errs, &ConfigError{File: d.file, Line: line, Key: key, Msg: fmt.Sprintf(format, a...)})
}

// err joins the mistakes, in the order of their lines.
func (d *decoder) err() error {
	sort.SliceStable(d.errs, func(i, j int) bool { return line(d.errs[i]) < line(d.errs[j]) })
	return errors.Join(d.errs...)
}

func line(err error) int {
	if ce, ok := err.(*ConfigError); ok {
		return ce.Line
	}
	return 0
}

// resolve follows aliases.
func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

// mapping calls f for each key of the mapping n, in order; keys not in
// known, duplicate keys and a node that is not a mapping are mistakes.
func (d *decoder) mapping(n *yaml.Node, key string, known []string, f func(k string, kn, v *yaml.Node)) bool {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		d.errorf(n, key, "want a mapping of %s, got %s", strings.Join(known, ", "), describe(n))
		return false
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn, v := n.Content[i], resolve(n.Content[i+1])
		k := kn.Value
		sub := k
		if key != "" {
			sub = key + "." + k
		}
		if first, dup := seen[k]; dup {
			d.errorf(kn, sub, "set twice (first at line %d)", first)
			continue
		}
		seen[k] = kn.Line
		if !slices.Contains(known, k) {
			d.errorf(kn, sub, "unknown key (known: %s)", strings.Join(known, ", "))
			continue
		}
		f(k, kn, v)
	}
	return true
}

// list calls f for each item of a sequence; a scalar counts as a list of
// one when one is true.
func (d *decoder) list(n *yaml.Node, key string, one bool, f func(i int, sub string, v *yaml.Node)) {
	n = resolve(n)
	switch {
	case n.Kind == yaml.SequenceNode:
		for i, v := range n.Content {
			f(i, fmt.Sprintf("%s[%d]", key, i), resolve(v))
		}
	case one && n.Kind == yaml.ScalarNode && !isNull(n):
		f(0, key, n)
	default:
		d.errorf(n, key, "want a list, got %s", describe(n))
	}
}

func (d *decoder) str(n *yaml.Node, key string) (string, bool) {
	n = resolve(n)
	if n.Kind != yaml.ScalarNode || isNull(n) {
		d.errorf(n, key, "want a string, got %s", describe(n))
		return "", false
	}
	return n.Value, true
}

func (d *decoder) duration(n *yaml.Node, key string) (time.Duration, bool) {
	s, ok := d.str(n, key)
	if !ok {
		return 0, false
	}
	v, err := time.ParseDuration(s)
	if err != nil || v < 0 {
		d.errorf(n, key, "want a duration such as 30s, 10m or 2h, got %q", s)
		return 0, false
	}
	return v, true
}

func (d *decoder) integer(n *yaml.Node, key string, lo, hi int) (int, bool) {
	s, ok := d.str(n, key)
	if !ok {
		return 0, false
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < lo || v > hi {
		d.errorf(n, key, "want a whole number from %d to %d, got %q", lo, hi, s)
		return 0, false
	}
	return v, true
}

func (d *decoder) number(n *yaml.Node, key string, lo, hi float64) (float64, bool) {
	s, ok := d.str(n, key)
	if !ok {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || v < lo || v > hi {
		d.errorf(n, key, "want a number from %g to %g, got %q", lo, hi, s)
		return 0, false
	}
	return v, true
}

var nameRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// name reads a job or dataset name.
func (d *decoder) name(n *yaml.Node, key string) (string, bool) {
	s, ok := d.str(n, key)
	if !ok {
		return "", false
	}
	if !nameRe.MatchString(s) {
		d.errorf(n, key, "%q: use letters, digits, '.', '_' and '-', starting with a letter or digit", s)
		return "", false
	}
	return s, true
}

func describe(n *yaml.Node) string {
	n = resolve(n)
	switch {
	case n == nil || isNull(n):
		return "nothing"
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	}
	return fmt.Sprintf("%q", n.Value)
}

var yamlLineRe = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// syntaxError turns a YAML parser error into a ConfigError with its line.
func syntaxError(file string, err error) error {
	msg := err.Error()
	if m := yamlLineRe.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &ConfigError{File: file, Line: line, Msg: "YAML: " + m[2]}
	}
	return &ConfigError{File: file, Msg: "YAML: " + strings.TrimPrefix(msg, "yaml: ")}
}
