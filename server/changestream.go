package server

import (
	"net/http"
	"time"

	"github.com/relstore/relstore/engine"
	"github.com/relstore/relstore/filter"
)

// changeStreamHeartbeat is how often an idle change stream sends an SSE
// comment, so that proxies keep it open and a gone client is noticed.
const changeStreamHeartbeat = 30 * time.Second

// handleChangeStream is GET|POST /Model/change-stream: a text/event-stream
// that starts with the comment ":ok" and then carries one event per
// committed change of the model, as LB3's createChangeStream:
//
//	event: data
//	data: {"target":1,"data":{...},"type":"create"}
//
// (type "update" likewise; "remove" carries "where" instead of "data").
// ?options={"where":{...}} keeps the changes whose data matches the where,
// as LB3 does (so removes, which carry no data, are left out). The
// stream ends when the client goes away or the server shuts down
// (Options.Shutdown). Changes a slow client cannot keep up with are
// dropped by the engine.
func handleChangeStream(c *call) (*reply, error) {
	where, err := c.changeFilter()
	if err != nil {
		return nil, err
	}
	flusher, _ := c.w.(http.Flusher)
	changes, stop := c.db.Subscribe(c.model.Name)
	defer stop()

	h := c.w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("Connection", "keep-alive")
	h.Set("X-Accel-Buffering", "no")
	c.w.WriteHeader(http.StatusOK)
	if c.r.Method == http.MethodHead {
		return &reply{written: true}, nil
	}
	if _, err := c.w.Write([]byte(":ok\n\n")); err != nil {
		return &reply{written: true}, nil
	}
	if flusher != nil {
		flusher.Flush()
	}
	heartbeat := time.NewTicker(changeStreamHeartbeat)
	defer heartbeat.Stop()
	for {
		var msg []byte
		select {
		case <-c.ctx.Done():
			return &reply{written: true}, nil
		case <-c.srv.shutdown:
			return &reply{written: true}, nil
		case <-heartbeat.C:
			msg = []byte(":\n\n")
		case ch, open := <-changes:
			if !open {
				return &reply{written: true}, nil
			}
			if !changeMatches(where, ch) {
				continue
			}
			msg = appendChangeEvent(nil, ch)
		}
		if _, err := c.w.Write(msg); err != nil {
			return &reply{written: true}, nil
		}
		if flusher != nil {
			flusher.Flush()
		}
	}
}

// changeFilter parses the where of the options parameter (nil: none).
func (c *call) changeFilter() (filter.Node, error) {
	opts, err := c.objectParam("options")
	if err != nil || opts == nil || opts["where"] == nil {
		return nil, err
	}
	return filter.ParseWhere(opts["where"], c.model, c.db.Schema())
}

// changeMatches reports whether a change passes the stream's where.
func changeMatches(where filter.Node, ch engine.Change) bool {
	if where == nil {
		return true
	}
	if ch.Data == nil {
		return false
	}
	ok, err := filter.Match(where, ch.Data, nil)
	return err == nil && ok
}

// appendChangeEvent appends the SSE event of one change.
func appendChangeEvent(b []byte, ch engine.Change) []byte {
	ev := map[string]any{"target": ch.Target, "type": ch.Type}
	if ch.Data != nil {
		ev["data"] = ch.Data
	}
	if ch.Where != nil {
		ev["where"] = ch.Where
	}
	b = append(b, "event: data\ndata: "...)
	b = appendJSON(b, ev)
	return append(b, "\n\n"...)
}
