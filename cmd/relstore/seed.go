package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/relstore/relstore/engine"
)

// seedFile imports the seed file at path into db: see seed.
func seedFile(ctx context.Context, db *engine.DB, path string, logger *slog.Logger) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	if err := seed(ctx, db, data, logger); err != nil {
		return fmt.Errorf("seed %s: %w", path, err)
	}
	return nil
}

// seed imports a JSON object mapping model names to arrays of records,
// model by model in the order of the document (so that parents can come
// before the children that point at them). Each model's records are
// created in one all-or-nothing batch, with the model's validation and
// defaults. A model that already holds records is skipped, so restarting
// a server on the same store with the same seed imports nothing twice.
func seed(ctx context.Context, db *engine.DB, data []byte, logger *slog.Logger) error {
	members, err := orderedMembers(data)
	if err != nil {
		return err
	}
	for _, m := range members {
		model := db.Schema().Model(m.name)
		if model == nil || !model.Persisted {
			return fmt.Errorf("model %q is not defined", m.name)
		}
		var recs []map[string]any
		if err := json.Unmarshal(m.value, &recs); err != nil {
			return fmt.Errorf("model %q: want an array of objects: %w", m.name, err)
		}
		n, err := db.Count(ctx, m.name, nil)
		if err != nil {
			return fmt.Errorf("model %q: %w", m.name, err)
		}
		if n > 0 {
			logger.Info("seed: model already has records; skipped", "model", m.name, "records", n)
			continue
		}
		if len(recs) == 0 {
			continue
		}
		if _, err := db.CreateMany(ctx, m.name, recs); err != nil {
			return fmt.Errorf("model %q: %w", m.name, err)
		}
		logger.Info("seed: imported", "model", m.name, "records", len(recs))
	}
	return nil
}

type member struct {
	name  string
	value json.RawMessage
}

// orderedMembers returns the members of a JSON object in document order.
func orderedMembers(data []byte) ([]member, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("want a JSON object {\"Model\": [records...]}")
	}
	var out []member
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		out = append(out, member{name: tok.(string), value: v})
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("invalid JSON: data after the object")
	}
	return out, nil
}
