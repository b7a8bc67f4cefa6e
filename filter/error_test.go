package filter

import (
	"errors"
	"fmt"
	"testing"
)

func TestError(t *testing.T) {
	e := errorf(CodeUnknownPath, "where.a", "bad %q", "a")
	var err error = e
	if err.Error() != `bad "a"` || e.StatusCode() != 400 {
		t.Errorf("Error() = %q, StatusCode() = %d", err.Error(), e.StatusCode())
	}
	if !errors.Is(err, ErrInvalidFilter) || errors.Is(err, ErrNoResolver) {
		t.Error("errors.Is")
	}
	wrapped := fmt.Errorf("find: %w", err)
	var fe *Error
	if !errors.As(wrapped, &fe) || fe.Code != CodeUnknownPath || fe.Path != "where.a" {
		t.Errorf("errors.As through a wrap: %+v", fe)
	}
	if joinPath("", "a") != "a" || joinPath("a", "b") != "a.b" || indexPath("or", 2) != "or[2]" || indexPath("", 0) != "[0]" {
		t.Error("path helpers")
	}
}
