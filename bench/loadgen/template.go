package main

import (
	"fmt"
	"os"
	"strings"
)

// Template is a request body with {{name}} placeholders, split once into literal and
// variable segments so rendering is a single pass with no parsing.
type Template struct {
	literals []string // len(vars)+1 pieces around the variables
	vars     []string
}

// ParseTemplate splits text on {{name}}; an unclosed {{ is an error.
func ParseTemplate(text string) (*Template, error) {
	t := &Template{}
	rest := text
	for {
		open := strings.Index(rest, "{{")
		if open < 0 {
			t.literals = append(t.literals, rest)
			return t, nil
		}
		end := strings.Index(rest[open:], "}}")
		if end < 0 {
			return nil, fmt.Errorf("unclosed {{ in template at %q", rest[open:])
		}
		t.literals = append(t.literals, rest[:open])
		t.vars = append(t.vars, strings.TrimSpace(rest[open+2:open+end]))
		rest = rest[open+end+2:]
	}
}

// LoadTemplate reads a template from a file, or falls back to the built-in default.
func LoadTemplate(path, fallback string) (*Template, error) {
	if path == "" {
		return ParseTemplate(fallback)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseTemplate(strings.TrimSpace(string(raw)))
}

// Vars names every value a template may use.
func (t *Template) Vars() []string { return t.vars }

// Render appends the body to dst, looking each variable up in vars.
func (t *Template) Render(dst []byte, vars map[string]string) ([]byte, error) {
	for i, name := range t.vars {
		dst = append(dst, t.literals[i]...)
		value, ok := vars[name]
		if !ok {
			return nil, fmt.Errorf("template variable {{%s}} has no value", name)
		}
		dst = append(dst, value...)
	}
	return append(dst, t.literals[len(t.literals)-1]...), nil
}
