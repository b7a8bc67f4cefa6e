package server

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/relstore/relstore/engine"
	"github.com/relstore/relstore/filter"
)

func TestAppendChangeEvent(t *testing.T) {
	tests := []struct {
		name string
		ch   engine.Change
		want string
	}{
		{"create", engine.Change{Type: "create", Target: 1.0, Data: map[string]any{"id": 1.0, "name": "A"}},
			"event: data\ndata: {\"data\":{\"id\":1,\"name\":\"A\"},\"target\":1,\"type\":\"create\"}\n\n"},
		{"remove", engine.Change{Type: "remove", Target: "go", Where: map[string]any{"slug": "go"}},
			"event: data\ndata: {\"target\":\"go\",\"type\":\"remove\",\"where\":{\"slug\":\"go\"}}\n\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(appendChangeEvent(nil, tc.ch)); got != tc.want {
				t.Fatalf("got %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestChangeMatches(t *testing.T) {
	db := newTestDB(t)
	m := db.Schema().Model("Customer")
	where, err := filter.ParseWhere(map[string]any{"age": map[string]any{"gt": 20.0}}, m, db.Schema())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		where filter.Node
		ch    engine.Change
		want  bool
	}{
		{"no where", nil, engine.Change{Type: "remove", Target: 1.0}, true},
		{"matching data", where, engine.Change{Type: "create", Data: map[string]any{"age": 30.0}}, true},
		{"other data", where, engine.Change{Type: "update", Data: map[string]any{"age": 3.0}}, false},
		{"remove has no data", where, engine.Change{Type: "remove", Target: 1.0}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := changeMatches(tc.where, tc.ch); got != tc.want {
				t.Fatalf("got %v", got)
			}
		})
	}
}

func TestChangeStream(t *testing.T) {
	shutdown := make(chan struct{})
	s, _ := newTestServer(t, Options{Shutdown: shutdown})
	ts := httptest.NewServer(s)
	defer ts.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, ts.URL+"/api/Customers/change-stream", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("Content-Type %q", ct)
	}
	rd := bufio.NewReader(resp.Body)
	line, err := rd.ReadString('\n')
	if err != nil || line != ":ok\n" {
		t.Fatalf("first line %q, %v", line, err)
	}
	post, err := http.Post(ts.URL+"/api/Customers", "application/json", strings.NewReader(`{"name":"Ada"}`))
	if err != nil {
		t.Fatal(err)
	}
	post.Body.Close()
	del, _ := http.NewRequest(http.MethodDelete, ts.URL+"/api/Customers/1", nil)
	if res, err := http.DefaultClient.Do(del); err == nil {
		res.Body.Close()
	}
	var events []map[string]any
	for len(events) < 2 {
		line, err := rd.ReadString('\n')
		if err != nil {
			t.Fatalf("after %d events: %v", len(events), err)
		}
		if line == "event: data\n" {
			data, _ := rd.ReadString('\n')
			var ev map[string]any
			if err := json.Unmarshal([]byte(strings.TrimPrefix(data, "data: ")), &ev); err != nil {
				t.Fatalf("data line %q: %v", data, err)
			}
			events = append(events, ev)
		}
	}
	if events[0]["type"] != "create" || events[0]["target"] != 1.0 || events[0]["data"].(map[string]any)["name"] != "Ada" {
		t.Errorf("create event %v", events[0])
	}
	if events[1]["type"] != "remove" || events[1]["target"] != 1.0 {
		t.Errorf("remove event %v", events[1])
	}
	close(shutdown)
	done := make(chan error, 1)
	go func() { _, err := io.Copy(io.Discard, rd); done <- err }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the stream did not end on shutdown")
	}
}
