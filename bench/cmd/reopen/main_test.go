package main

import (
	"bytes"
	"encoding/json"
	"io"
	"testing"
)

func TestReopenSmall(t *testing.T) {
	var out bytes.Buffer
	if code := run([]string{"-scale", "0.01"}, &out, io.Discard); code != 0 {
		t.Fatalf("exit %d", code)
	}
	var l map[string]any
	if err := json.Unmarshal(out.Bytes(), &l); err != nil {
		t.Fatalf("%v: %q", err, out.String())
	}
	if l["op"] != "reopen" || l["check_ok"] != true || l["store_records"] != float64(4100) || l["records"] != float64(1) {
		t.Errorf("line %v", l)
	}
}

func TestReopenBadArgs(t *testing.T) {
	if code := run([]string{"-scale", "0"}, io.Discard, io.Discard); code != 2 {
		t.Errorf("exit %d", code)
	}
}
