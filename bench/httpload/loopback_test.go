package httpload

import (
	"context"
	"testing"
)

func TestParseBaseRefusesNonLoopback(t *testing.T) {
	for _, raw := range []string{
		"http://10.0.0.1:3000", "http://example.com:80", "http://localhost:3000",
		"http://0.0.0.0:3000", "https://127.0.0.1:3000", "http://127.0.0.1",
		"127.0.0.1:3000", "http://user@127.0.0.1:3000", "http://[2001:db8::1]:3000",
	} {
		if _, err := ParseBase(raw); err == nil {
			t.Errorf("%q accepted", raw)
		}
	}
	for _, raw := range []string{"http://127.0.0.1:3000", "http://127.1.2.3:80/", "http://[::1]:8080"} {
		if _, err := ParseBase(raw); err != nil {
			t.Errorf("%q refused: %v", raw, err)
		}
	}
}

func TestLoopbackOnlyDialHook(t *testing.T) {
	if err := loopbackOnly(context.Background(), "tcp", "127.0.0.1:80", nil); err != nil {
		t.Errorf("loopback refused: %v", err)
	}
	if err := loopbackOnly(context.Background(), "tcp", "192.0.2.1:80", nil); err == nil {
		t.Error("non-loopback dial allowed")
	}
}
