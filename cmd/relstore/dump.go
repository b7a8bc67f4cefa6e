package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/relstore/relstore/server"
)

// dumpFormat is the format of an export file (relstore export, import).
type dumpFormat string

// The export formats.
const (
	// formatRelstore is relstore's own: {"models": {"Customer": [records...]}},
	// models and records in order.
	formatRelstore dumpFormat = "relstore"
	// formatLB3 is the file LoopBack 3's memory connector keeps (its "file"
	// setting): {"ids": {"Customer": 3}, "models": {"Customer": {"1":
	// "<the record as a JSON string>"}}}, where ids holds each model's next
	// generated id.
	formatLB3 dumpFormat = "lb3"
)

// parseFormat reads a --format value.
func parseFormat(s string) (dumpFormat, error) {
	switch f := dumpFormat(s); f {
	case formatRelstore, formatLB3:
		return f, nil
	}
	return "", fmt.Errorf("unknown format %q: want %s or %s", s, formatRelstore, formatLB3)
}

// dumpModel is the records of one model in an export file.
type dumpModel struct {
	name    string
	records []map[string]any
	// keys are the LB3 file's record keys (the ids as strings), one per
	// record; nil in relstore's format.
	keys []string
	// nextID is the LB3 file's ids entry, if any.
	nextID *float64
}

// dump is a decoded export file.
type dump struct {
	format dumpFormat
	models []*dumpModel // in the file's order
}

// records counts the records of every model.
func (d *dump) records() int {
	n := 0
	for _, m := range d.models {
		n += len(m.records)
	}
	return n
}

// parseDump decodes an export file of either format, telling them apart by
// the shape of their models (arrays in relstore's, objects keyed by id in
// LB3's) and LB3's "ids".
func parseDump(data []byte) (*dump, error) {
	top, err := orderedMembers(data)
	if err != nil {
		return nil, err
	}
	d := &dump{}
	var ids map[string]float64
	var models []member
	hasModels := false
	for _, m := range top {
		switch m.name {
		case "models":
			if models, err = orderedMembers(m.value); err != nil {
				return nil, fmt.Errorf("models: %w", err)
			}
			hasModels = true
		case "ids":
			if err := json.Unmarshal(m.value, &ids); err != nil {
				return nil, fmt.Errorf("ids: want an object of numbers: %w", err)
			}
			d.format = formatLB3
		default:
			return nil, fmt.Errorf("unknown member %q: want {\"models\": ...} (and \"ids\" in LB3's format)", m.name)
		}
	}
	if !hasModels {
		return nil, errors.New(`no "models" member`)
	}
	for _, m := range models {
		dm := &dumpModel{name: m.name}
		var f dumpFormat
		switch firstByte(m.value) {
		case '[':
			f = formatRelstore
			var recs []map[string]any
			if err := json.Unmarshal(m.value, &recs); err != nil {
				return nil, fmt.Errorf("model %q: want an array of records: %w", m.name, err)
			}
			for i, r := range recs {
				if r == nil {
					return nil, fmt.Errorf("model %q: record %d is not an object", m.name, i+1)
				}
			}
			dm.records = recs
		case '{':
			f = formatLB3
			if err := parseLB3Collection(dm, m.value); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("model %q: want an array of records or an LB3 collection object", m.name)
		}
		if d.format != "" && d.format != f {
			return nil, fmt.Errorf("model %q: the file mixes relstore's format and LB3's", m.name)
		}
		d.format = f
		if n, ok := ids[m.name]; ok {
			dm.nextID = &n
		}
		d.models = append(d.models, dm)
	}
	if d.format == "" {
		d.format = formatRelstore
	}
	return d, nil
}

// parseLB3Collection reads an LB3 collection, {"<id>": "<record JSON>"}
// (a record may also be an object), in file order.
func parseLB3Collection(dm *dumpModel, data []byte) error {
	members, err := orderedMembers(data)
	if err != nil {
		return fmt.Errorf("model %q: %w", dm.name, err)
	}
	for _, m := range members {
		raw := []byte(m.value)
		if firstByte(raw) == '"' {
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return fmt.Errorf("model %q record %q: %w", dm.name, m.name, err)
			}
			raw = []byte(s)
		}
		var rec map[string]any
		if err := json.Unmarshal(raw, &rec); err != nil || rec == nil {
			return fmt.Errorf("model %q record %q: want a JSON object: %v", dm.name, m.name, err)
		}
		dm.records = append(dm.records, rec)
		dm.keys = append(dm.keys, m.name)
	}
	return nil
}

// firstByte returns the first non-space byte of data (0 if none).
func firstByte(data []byte) byte {
	t := bytes.TrimLeft(data, " \t\r\n")
	if len(t) == 0 {
		return 0
	}
	return t[0]
}

// dumpWriter writes an export file model by model and record by record,
// laid out as LB3 writes its file (two-space indentation; relstore's
// format: one record a line). Write errors are sticky and returned by
// close.
type dumpWriter struct {
	w       *bufio.Writer
	format  dumpFormat
	models  int // models begun
	records int // records of the current model
	buf     []byte
	err     error
}

// modelNextID is one entry of LB3's "ids".
type modelNextID struct {
	name string
	next float64
}

// newDumpWriter starts an export file; ids (LB3's next id of each model)
// is written first in LB3's format and ignored in relstore's.
func newDumpWriter(w io.Writer, format dumpFormat, ids []modelNextID) *dumpWriter {
	d := &dumpWriter{w: bufio.NewWriterSize(w, 1<<16), format: format}
	d.put("{\n")
	if format == formatLB3 {
		d.put(`  "ids": {`)
		for i, id := range ids {
			d.comma(i)
			d.put("\n    ")
			d.buf = server.AppendJSON(d.buf[:0], id.name)
			d.buf = append(d.buf, ": "...)
			d.buf = server.AppendJSON(d.buf, id.next)
			d.putBytes(d.buf)
		}
		if len(ids) > 0 {
			d.put("\n  ")
		}
		d.put("},\n")
	}
	d.put(`  "models": {`)
	return d
}

func (d *dumpWriter) put(s string) {
	if d.err == nil {
		_, d.err = d.w.WriteString(s)
	}
}

func (d *dumpWriter) putBytes(b []byte) {
	if d.err == nil {
		_, d.err = d.w.Write(b)
	}
}

func (d *dumpWriter) comma(i int) {
	if i > 0 {
		d.put(",")
	}
}

// beginModel starts the records of a model.
func (d *dumpWriter) beginModel(name string) {
	d.comma(d.models)
	d.models++
	d.records = 0
	d.put("\n    ")
	d.putBytes(server.AppendJSON(d.buf[:0], name))
	if d.format == formatLB3 {
		d.put(": {")
	} else {
		d.put(": [")
	}
}

// record writes one record; id is its id (the LB3 collection's key).
func (d *dumpWriter) record(id any, rec map[string]any) {
	d.comma(d.records)
	d.records++
	d.put("\n      ")
	d.buf = d.buf[:0]
	if d.format == formatLB3 {
		d.buf = server.AppendJSON(d.buf, idKey(id))
		d.buf = append(d.buf, ": "...)
		d.buf = server.AppendJSON(d.buf, string(server.AppendJSON(nil, rec)))
	} else {
		d.buf = server.AppendJSON(d.buf, rec)
	}
	d.putBytes(d.buf)
}

// endModel ends the records of a model.
func (d *dumpWriter) endModel() {
	if d.records > 0 {
		d.put("\n    ")
	}
	if d.format == formatLB3 {
		d.put("}")
	} else {
		d.put("]")
	}
}

// close ends the file and flushes it.
func (d *dumpWriter) close() error {
	if d.models > 0 {
		d.put("\n  ")
	}
	d.put("}\n}\n")
	if d.err == nil {
		d.err = d.w.Flush()
	}
	return d.err
}

// idKey is an id as an LB3 collection key: JavaScript's String(id).
func idKey(id any) string {
	switch x := id.(type) {
	case string:
		return x
	case nil:
		return "undefined"
	}
	return string(server.AppendJSON(nil, id))
}
