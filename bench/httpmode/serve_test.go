package httpmode

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/relstore/relstore/bench/workload"
)

func TestServeReadyThenExitsAfterLifetime(t *testing.T) {
	d := workload.Generate(0.01, workload.DefaultSeed)
	var stdout bytes.Buffer
	var status int
	var body []byte
	start := time.Now()
	err := Serve(context.Background(), Config{
		System: workload.SysRelstoreMemory, Data: d, Lifetime: 300 * time.Millisecond, Stdout: &stdout,
		Ready: func(port int) {
			c := &http.Client{Timeout: 5 * time.Second}
			resp, err := c.Get("http://127.0.0.1:" + strconv.Itoa(port) + "/api/Orders/7/customer")
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			status = resp.StatusCode
			body, _ = io.ReadAll(resp.Body)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el > 10*time.Second {
		t.Errorf("Serve took %v with a 300 ms lifetime", el)
	}
	var rl ReadyLine
	if err := json.Unmarshal(stdout.Bytes(), &rl); err != nil || !rl.Ready || rl.Port <= 0 {
		t.Errorf("ready line %q (%v)", stdout.String(), err)
	}
	if bytes.Count(stdout.Bytes(), []byte("\n")) != 1 {
		t.Errorf("stdout is not one line: %q", stdout.String())
	}
	var c map[string]any
	if status != http.StatusOK || json.Unmarshal(body, &c) != nil || c["id"] != float64(d.Order(7).CustomerID) {
		t.Errorf("GET /api/Orders/7/customer: %d %s", status, body)
	}
}

func TestServeStopsOnContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	err := Serve(ctx, Config{System: workload.SysRelstorePebble, Data: workload.Generate(0.01, workload.DefaultSeed),
		Lifetime: time.Minute, Ready: func(int) { cancel() }})
	if err != nil {
		t.Fatal(err)
	}
}

func TestServeRejects(t *testing.T) {
	d := workload.Generate(0.01, workload.DefaultSeed)
	for _, cfg := range []Config{
		{System: "sqlite-mem", Data: d},
		{System: workload.SysRelstoreMemory},
		{System: workload.SysRelstoreMemory, Data: d, Port: 70000},
	} {
		if err := Serve(context.Background(), cfg); err == nil {
			t.Errorf("%+v accepted", cfg)
		}
	}
}
