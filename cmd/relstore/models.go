package main

import (
	"fmt"
	"log/slog"

	"github.com/relstore/relstore/examples"
	"github.com/relstore/relstore/schema"
)

// examplesDir is the directory of examples.Models holding the definitions.
const examplesDir = "models"

// loadModels loads the LB3 model definitions of dir (every *.json in
// file-name order, model-config.json honoured), or the embedded example
// shop when dir is "". Loader warnings are logged.
func loadModels(dir string, logger *slog.Logger) (*schema.Set, error) {
	l := schema.NewLoader(&schema.LoadOptions{Warn: func(model, msg string) {
		logger.Warn("model definition", "model", model, "warning", msg)
	}})
	var err error
	if dir == "" {
		err = l.AddFS(examples.Models, examplesDir)
	} else {
		err = l.AddDir(dir)
	}
	if err != nil {
		return nil, fmt.Errorf("load models: %w", err)
	}
	set, err := l.Resolve()
	if err != nil {
		return nil, fmt.Errorf("load models: %w", err)
	}
	if len(set.Order) == 0 {
		return nil, fmt.Errorf("load models: no model definitions in %s", dir)
	}
	return set, nil
}
