package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"testing"

	"github.com/relstore/relstore/engine"
	"github.com/relstore/relstore/filter"
)

func TestErrorFor(t *testing.T) {
	verr := &engine.ValidationError{Model: "Customer"}
	verr.Add("name", "presence", "can't be blank", nil)
	tests := []struct {
		name string
		err  error
		want map[string]any // the "error" object of the body
	}{
		{"validation", verr, map[string]any{"statusCode": 422, "name": "ValidationError",
			"message": verr.Error(), "details": map[string]any{"context": "Customer",
				"codes": map[string][]string{"name": {"presence"}}, "messages": map[string][]string{"name": {"can't be blank"}}}}},
		{"wrapped validation", fmt.Errorf("create: %w", verr), map[string]any{"statusCode": 422, "name": "ValidationError",
			"message": verr.Error(), "details": map[string]any{"context": "Customer",
				"codes": map[string][]string{"name": {"presence"}}, "messages": map[string][]string{"name": {"can't be blank"}}}}},
		{"filter error", &filter.Error{Code: "INVALID_LIMIT", Message: `The limit parameter "-1" is not valid`},
			map[string]any{"statusCode": 400, "name": "Error", "message": `The limit parameter "-1" is not valid`, "code": "INVALID_LIMIT"}},
		{"engine error with status", &engine.Error{Kind: engine.ErrNotFound, Status: 404, Message: "No instance with id 3 found for Order"},
			map[string]any{"statusCode": 404, "name": "Error", "message": "No instance with id 3 found for Order"}},
		{"engine error status from kind", &engine.Error{Kind: engine.ErrDuplicateID, Message: "Duplicate entry for Tag.slug"},
			map[string]any{"statusCode": 409, "name": "Error", "message": "Duplicate entry for Tag.slug"}},
		{"engine error with code", &engine.Error{Kind: engine.ErrConflict, Status: 409, Code: "RELATION_EXISTS", Message: "x"},
			map[string]any{"statusCode": 409, "name": "Error", "message": "x", "code": "RELATION_EXISTS"}},
		{"bare not found", engine.ErrNotFound, map[string]any{"statusCode": 404, "name": "Error", "message": engine.ErrNotFound.Error()}},
		{"unique", fmt.Errorf("x: %w", engine.ErrUniqueViolation), map[string]any{"statusCode": 409, "name": "Error", "message": "x: " + engine.ErrUniqueViolation.Error()}},
		{"foreign key", engine.ErrForeignKey, map[string]any{"statusCode": 409, "name": "Error", "message": engine.ErrForeignKey.Error()}},
		{"restricted", engine.ErrDeleteRestricted, map[string]any{"statusCode": 409, "name": "Error", "message": engine.ErrDeleteRestricted.Error()}},
		{"bad request", engine.ErrBadRequest, map[string]any{"statusCode": 400, "name": "Error", "message": engine.ErrBadRequest.Error()}},
		{"unknown model", engine.ErrUnknownModel, map[string]any{"statusCode": 404, "name": "Error", "message": engine.ErrUnknownModel.Error()}},
		{"read only", engine.ErrReadOnly, map[string]any{"statusCode": 403, "name": "Error", "message": engine.ErrReadOnly.Error()}},
		{"closed hides cause", engine.ErrClosed, map[string]any{"statusCode": 503, "message": "Service Unavailable"}},
		{"timeout hides cause", context.DeadlineExceeded, map[string]any{"statusCode": 503, "message": "Service Unavailable"}},
		{"too large", &http.MaxBytesError{Limit: 10}, map[string]any{"statusCode": 413, "name": "PayloadTooLargeError", "message": "request entity too large"}},
		{"server error", &httpError{Status: 404, Code: "MODEL_NOT_FOUND", Message: "m"},
			map[string]any{"statusCode": 404, "name": "Error", "message": "m", "code": "MODEL_NOT_FOUND"}},
		{"anything else is a hidden 500", errors.New("disk on fire"), map[string]any{"statusCode": 500, "message": "Internal Server Error"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := errorFor(tc.err)
			got := e.body()["error"]
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("errorFor(%v) body = %#v\nwant %#v", tc.err, got, tc.want)
			}
			if e.Status != tc.want["statusCode"] {
				t.Fatalf("status %d", e.Status)
			}
		})
	}
}

func TestNotFoundAs(t *testing.T) {
	relErr := &engine.Error{Kind: engine.ErrNotFound, Status: 404, Message: "No relation found in Appointment for (Physician.1,Patient.3)"}
	tests := []struct {
		name        string
		err         error
		relation    bool
		wantMessage string
		wantCode    string
		wantSame    bool
	}{
		{"nil stays nil", nil, false, "", "", true},
		{"other errors pass", engine.ErrDuplicateID, false, "", "", true},
		{"not found gets the route message", engine.ErrNotFound, false, "could not find a model with id 9", "MODEL_NOT_FOUND", false},
		{"engine message replaced on model routes", relErr, false, "could not find a model with id 9", "MODEL_NOT_FOUND", false},
		{"engine message kept on relation routes", relErr, true, "", "", true},
		{"bare not found on relation routes", engine.ErrNotFound, true, "could not find a model with id 9", "MODEL_NOT_FOUND", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got error
			if tc.relation {
				got = relationNotFoundAs(tc.err, "MODEL_NOT_FOUND", "could not find a model with id %s", "9")
			} else {
				got = notFoundAs(tc.err, "MODEL_NOT_FOUND", "could not find a model with id %s", "9")
			}
			if tc.wantSame {
				if got != tc.err {
					t.Fatalf("got %v, want the error unchanged", got)
				}
				return
			}
			e := errorFor(got)
			if e.Status != 404 || e.Message != tc.wantMessage || e.Code != tc.wantCode {
				t.Fatalf("got %d %q %q", e.Status, e.Message, e.Code)
			}
			if !errors.Is(got, engine.ErrNotFound) {
				t.Fatal("the cause is lost")
			}
		})
	}
}
