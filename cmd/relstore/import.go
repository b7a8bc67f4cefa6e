package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"

	"github.com/relstore/relstore/engine"
	"github.com/relstore/relstore/schema"
)

// importBatch is how many records one import transaction writes.
const importBatch = 1000

// runImport is "relstore import --data DIR [--models DIR] IN|-": it loads
// an export file of either format (relstore's or LB3's memory connector
// file, told apart by their shape) into the stopped store in DIR (created
// if missing). With --models the models are defined first (as serve
// does); otherwise the store must already define them. Progress goes to
// stderr. Exit 0, 1 on failure, 2 on a usage error.
func runImport(ctx context.Context, args []string, stdin io.Reader, stderr io.Writer) int {
	fs := flag.NewFlagSet("relstore import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "", "Pebble store directory to import into (required; created if missing; must not be in use)")
	models := fs.String("models", "", "directory of LB3 model definitions (*.json) to define before importing")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if *data == "" || fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: relstore import --data DIR [--models DIR] IN|-")
		return exitUsage
	}
	in := fs.Arg(0)
	var raw []byte
	var err error
	if in == "-" {
		raw, err = io.ReadAll(stdin)
	} else {
		raw, err = os.ReadFile(in)
	}
	if err != nil {
		fmt.Fprintf(stderr, "relstore import: %v\n", err)
		return exitFailure
	}
	if err := importFile(ctx, *data, *models, raw, stderr); err != nil {
		fmt.Fprintf(stderr, "relstore import: %s: %v\n", in, err)
		return exitFailure
	}
	return exitOK
}

// importFile decodes an export file and imports it into the store in dir,
// defining the models of modelsDir first when given.
func importFile(ctx context.Context, dir, modelsDir string, raw []byte, stderr io.Writer) error {
	d, err := parseDump(raw)
	if err != nil {
		return err
	}
	var set *schema.Set
	if modelsDir != "" {
		logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
		if set, err = loadModels(modelsDir, logger); err != nil {
			return err
		}
	}
	db, err := openDB(dir, storeCreate, stderr)
	if err != nil {
		return err
	}
	defer db.Close()
	if set != nil {
		if err := db.Define(set); err != nil {
			return fmt.Errorf("define models: %w", err)
		}
	}
	n, err := importDump(ctx, db, d, stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "import: %d records imported into %s (%s format)\n", n, dir, d.format)
	return nil
}

// importDump writes the records of d into db, model by model in the
// file's order (parents before the models that refer to them, for strict
// integrity), in transactions of importBatch records, keeping every
// record's id: the engine's id counter then continues after the largest.
//
// Every model is checked before anything is written: it must be defined
// and persisted, hold no records yet, and be importable with the engine's
// writes. Records are restored as they were (engine Tx.Import: ids kept
// even on models that force generated ids, no defaults, no default-scope
// values). An LB3 collection of a model the
// store does not define is skipped when it is empty (LB3 files list every
// model of the datasource). A record that fails (validation, duplicate
// id, unique index, strict foreign key) stops the import; the batches
// already written stay, and the error says how far it got.
func importDump(ctx context.Context, db *engine.DB, d *dump, progress io.Writer) (int, error) {
	var todo []*dumpModel
	var problems []string
	for _, dm := range d.models {
		m := db.Model(dm.name)
		if m == nil || !m.Persisted {
			if d.format == formatLB3 && len(dm.records) == 0 {
				fmt.Fprintf(progress, "import: %s: not defined in the store, empty: skipped\n", dm.name)
				continue
			}
			problems = append(problems, fmt.Sprintf("%s: not defined in the store (define it with --models DIR)", dm.name))
			continue
		}
		n, err := db.Count(ctx, dm.name, nil)
		if err != nil {
			return 0, fmt.Errorf("model %q: %w", dm.name, err)
		}
		if n > 0 {
			problems = append(problems, fmt.Sprintf("%s: already holds %d records (import only into empty models)", dm.name, n))
			continue
		}
		todo = append(todo, dm)
	}
	if len(problems) > 0 {
		return 0, fmt.Errorf("nothing imported:\n  %s", strings.Join(problems, "\n  "))
	}
	total := 0
	for _, dm := range todo {
		m := db.Model(dm.name)
		fillLB3IDs(m, dm)
		for start := 0; start < len(dm.records); start += importBatch {
			end := min(start+importBatch, len(dm.records))
			err := db.Update(ctx, func(tx *engine.Tx) error {
				for i := start; i < end; i++ {
					if err := tx.Import(dm.name, dm.records[i]); err != nil {
						return fmt.Errorf("record %d (id %s): %w", i+1, idKey(dm.records[i][m.IDName()]), err)
					}
				}
				return nil
			})
			if err != nil {
				return total, fmt.Errorf("model %q: %w; stopped there: %d records of earlier models and %d of %s were imported",
					dm.name, err, total, start, dm.name)
			}
			total += end - start
			fmt.Fprintf(progress, "import: %s: %d/%d records\n", dm.name, end, len(dm.records))
		}
		if len(dm.records) == 0 {
			fmt.Fprintf(progress, "import: %s: 0 records\n", dm.name)
		}
		if err := restoreLB3Counter(ctx, db, m, dm); err != nil {
			return total, fmt.Errorf("model %q: id counter: %w", dm.name, err)
		}
	}
	return total, nil
}

// fillLB3IDs gives the records of an LB3 collection that lack their id the
// id of their key (a number for a numeric id).
func fillLB3IDs(m *schema.Model, dm *dumpModel) {
	idName := m.IDName()
	if dm.keys == nil || idName == "" || len(m.IDProperties()) != 1 {
		return
	}
	for i, rec := range dm.records {
		if _, ok := rec[idName]; ok {
			continue
		}
		var id any = dm.keys[i]
		if f, err := strconv.ParseFloat(dm.keys[i], 64); err == nil && numericID(m) {
			id = f
		}
		rec[idName] = id
	}
}

// restoreLB3Counter sets m's id counter from an LB3 file's next id, so
// that the ids of records deleted before the export are not given again.
func restoreLB3Counter(ctx context.Context, db *engine.DB, m *schema.Model, dm *dumpModel) error {
	if dm.nextID == nil {
		return nil
	}
	return db.Update(ctx, func(tx *engine.Tx) error {
		c, err := tx.IDCounter(m.Name)
		if err != nil {
			return err
		}
		if next := *dm.nextID - 1; next > c {
			return tx.SetIDCounter(m.Name, next)
		}
		return nil
	})
}
