package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"

	"github.com/relstore/relstore/engine"
	"github.com/relstore/relstore/schema"
)

// exportBatch is how many records one read of an export returns.
const exportBatch = 1000

// runExport is "relstore export --data DIR [--models DIR] [--format
// relstore|lb3] [OUT|-]": it writes every record of the stopped store in
// DIR to OUT (stdout without it, or with -), in one consistent read,
// parents before the models whose belongsTo relations point at them.
// --models exports only the models defined there, in their order (each must
// exist in the store); otherwise every persisted model of the store's
// catalog is exported. Progress goes to stderr. A file OUT is written
// under a temporary name and renamed once complete.
//
// Models the engine cannot read back faithfully are refused, naming them
// (see exportBlocker). Exit 0, 1 on failure, 2 on a usage error.
func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("relstore export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "", "Pebble store directory to export (required; the store must not be in use)")
	models := fs.String("models", "", "export only the models defined in this directory (*.json)")
	formatName := fs.String("format", string(formatRelstore), "relstore ({\"models\": {\"Model\": [records]}}) or lb3 (LB3 memory connector file)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	format, ferr := parseFormat(*formatName)
	if *data == "" || fs.NArg() > 1 || ferr != nil {
		if ferr != nil {
			fmt.Fprintf(stderr, "relstore export: %v\n", ferr)
		}
		fmt.Fprintln(stderr, "usage: relstore export --data DIR [--models DIR] [--format relstore|lb3] [OUT|-]")
		return exitUsage
	}
	out := fs.Arg(0)
	if err := exportStore(ctx, *data, *models, format, out, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "relstore export: %v\n", err)
		return exitFailure
	}
	return exitOK
}

// exportStore opens the store in dir read-only and exports it to out ("" or
// "-": stdout).
func exportStore(ctx context.Context, dir, modelsDir string, format dumpFormat, out string, stdout, stderr io.Writer) error {
	db, err := openDB(dir, storeReadOnly, stderr)
	if err != nil {
		return err
	}
	defer db.Close()
	models, err := exportModels(db, modelsDir, stderr)
	if err != nil {
		return err
	}
	if out == "" || out == "-" {
		_, err := export(ctx, db, models, format, stdout, stderr)
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	n, err := export(ctx, db, models, format, tmp, stderr)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "export: %d models, %d records written to %s (%s format)\n", len(models), n, out, format)
	return nil
}

// exportModels returns the models to export: the persisted models of the
// store's catalog, or those defined in modelsDir (which must all be in the
// store), ordered so that belongsTo targets come before their sources.
func exportModels(db *engine.DB, modelsDir string, stderr io.Writer) ([]*schema.Model, error) {
	var models []*schema.Model
	if modelsDir == "" {
		for _, m := range db.Schema().Sorted() {
			if m.Persisted {
				models = append(models, m)
			}
		}
	} else {
		set, err := loadModels(modelsDir, slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
		if err != nil {
			return nil, err
		}
		for _, def := range set.Sorted() {
			if !def.Persisted {
				continue
			}
			m := db.Model(def.Name)
			if m == nil || !m.Persisted {
				return nil, fmt.Errorf("model %q is not in the store", def.Name)
			}
			models = append(models, m)
		}
	}
	return parentsFirst(models), nil
}

// parentsFirst orders models so that the target of each belongsTo relation
// comes before the model holding the foreign key (so that an import, which
// follows the file's order, satisfies "integrity": "strict"), keeping the
// given order otherwise; cycles keep the given order.
func parentsFirst(models []*schema.Model) []*schema.Model {
	index := map[string]int{}
	for i, m := range models {
		index[m.Name] = i
	}
	var out []*schema.Model
	state := map[string]int{} // 0 new, 1 visiting, 2 done
	var visit func(m *schema.Model)
	visit = func(m *schema.Model) {
		if state[m.Name] != 0 {
			return
		}
		state[m.Name] = 1
		var parents []int
		for _, rel := range m.Relations {
			if i, ok := index[rel.Model]; ok && rel.Type == schema.RelBelongsTo && rel.Polymorphic == nil && rel.Model != m.Name {
				parents = append(parents, i)
			}
		}
		sort.Ints(parents)
		for _, i := range parents {
			visit(models[i])
		}
		state[m.Name] = 2
		out = append(out, m)
	}
	for _, m := range models {
		visit(m)
	}
	return out
}

// export writes the records of models to w in format, in one read
// transaction (a consistent snapshot), and returns how many it wrote.
func export(ctx context.Context, db *engine.DB, models []*schema.Model, format dumpFormat, w io.Writer, progress io.Writer) (int, error) {
	total := 0
	err := db.View(ctx, func(tx *engine.Tx) error {
		var ids []modelNextID
		if format == formatLB3 {
			for _, m := range models {
				next, err := lb3NextID(tx, m)
				if err != nil {
					return err
				}
				ids = append(ids, modelNextID{name: m.Name, next: next})
			}
		}
		dw := newDumpWriter(w, format, ids)
		for _, m := range models {
			dw.beginModel(m.Name)
			idName := m.IDName()
			n := 0
			err := eachRecord(tx, m, func(rec map[string]any) error {
				dw.record(rec[idName], rec)
				n++
				if n%exportBatch == 0 {
					fmt.Fprintf(progress, "export: %s: %d records\n", m.Name, n)
				}
				return ctx.Err()
			})
			if err != nil {
				return fmt.Errorf("model %q: %w", m.Name, err)
			}
			dw.endModel()
			fmt.Fprintf(progress, "export: %s: %d records\n", m.Name, n)
			total += n
		}
		return dw.close()
	})
	return total, err
}

// numericID reports whether m has one numeric id property (its records
// can be paged by id).
func numericID(m *schema.Model) bool {
	ids := m.IDProperties()
	return len(ids) == 1 && ids[0].Type.Kind == schema.KindNumber
}

// eachRecord calls fn with every stored record of m in id order, as
// stored: hidden properties included, no default scope, no read defaults.
func eachRecord(tx *engine.Tx, m *schema.Model, fn func(rec map[string]any) error) error {
	return tx.ScanRaw(m.Name, fn)
}

// lb3NextID is the "ids" entry LB3 keeps for m: the next id it would
// generate (relstore's id counter plus one).
func lb3NextID(tx *engine.Tx, m *schema.Model) (float64, error) {
	c, err := tx.IDCounter(m.Name)
	return c + 1, err
}
