package schema

import (
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"testing"
)

func TestDefinitionErrorsWrapSentinels(t *testing.T) {
	tests := []struct {
		name     string
		err      error
		sentinel error
		msg      string
	}{
		{"model", modelErr(ErrMissingID, "M", "no id %d", 1), ErrMissingID, `relstore: model "M": no id 1`},
		{"property", propErr(ErrInvalidProperty, "M", "p", "bad"), ErrInvalidProperty, `relstore: model "M": property "p": bad`},
		{"relation", relErr(ErrUndefinedModel, "Order", "customer", "target model %q is not defined", "Custmer"), ErrUndefinedModel,
			`relstore: model "Order": relation "customer": target model "Custmer" is not defined`},
		{"in file keeps sentinel", inFile("a/01-M.json", modelErr(ErrBaseCycle, "M", "cycle")), ErrBaseCycle,
			`relstore: a/01-M.json: model "M": cycle`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.err.Error() != tt.msg {
				t.Errorf("message = %q, want %q", tt.err, tt.msg)
			}
			if !errors.Is(tt.err, ErrInvalidDefinition) || !errors.Is(tt.err, tt.sentinel) {
				t.Errorf("%q does not wrap ErrInvalidDefinition and %v", tt.err, tt.sentinel)
			}
			for _, other := range []error{ErrDuplicateModel, ErrUnknownType, ErrKeyType} {
				if other != tt.sentinel && errors.Is(tt.err, other) {
					t.Errorf("%q wraps unrelated %v", tt.err, other)
				}
			}
		})
	}
}

func TestJSONErrorKeepsCause(t *testing.T) {
	err := NewLoader(nil).Add([]byte(`{"name": `))
	if !errors.Is(err, ErrInvalidDefinition) || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("truncated document: err = %v, want ErrInvalidDefinition and io.ErrUnexpectedEOF", err)
	}
	err = NewLoader(nil).Add([]byte(`{"name": x}`))
	var syntax *json.SyntaxError
	if !errors.Is(err, ErrInvalidDefinition) || !errors.As(err, &syntax) {
		t.Errorf("syntax error: err = %v, want ErrInvalidDefinition and a *json.SyntaxError", err)
	}
	if err := inFile("x.json", fs.ErrPermission); !errors.Is(err, fs.ErrPermission) || errors.Is(err, ErrInvalidDefinition) {
		t.Errorf("inFile(non-definition error) = %v", err)
	}
}
