package schema

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// LoadOptions configures a Loader. The zero value (and a nil *LoadOptions)
// is ready to use.
type LoadOptions struct {
	// Warn receives the non-fatal findings of the loader: LB3 keys relstore
	// ignores (options, acls, methods, mixins, validations, remoting, http
	// settings other than path — one warning per key per model), unknown
	// defaultFn values, unenforced jsonSchema keywords, indexes on undeclared
	// properties, model-config.json entries it cannot apply. model is the
	// model the finding is about. Each distinct (model, msg) pair is reported
	// once per Loader. Nil: warnings are dropped.
	Warn func(model, msg string)
}

// Loader accumulates LoopBack 3 model definitions (the JSON documents of
// common/models/*.json) and resolves them together into a Set: bases,
// property types naming other models and relations may refer to models
// added later. A Loader is not safe for concurrent use.
type Loader struct {
	warnFn  func(model, msg string)
	warned  map[[2]string]bool
	defs    []*definition // in Add order; nested inline models follow their owner
	byName  map[string]*definition
	configs []configEntry
}

// configEntry is one model of a model-config.json.
type configEntry struct {
	file       string
	model      string
	public     *bool
	dataSource any // string, nil (explicit null) or absent (noDataSource)
	hasDS      bool
}

// knownDataSources are the model-config.json dataSource names that mean
// "relstore's store"; any other name is warned about.
var knownDataSources = map[string]bool{"db": true, "memory": true}

// NewLoader returns an empty Loader; opts may be nil.
func NewLoader(opts *LoadOptions) *Loader {
	l := &Loader{warned: make(map[[2]string]bool), byName: make(map[string]*definition)}
	if opts != nil {
		l.warnFn = opts.Warn
	}
	return l
}

// warn reports a warning once per (model, msg).
func (l *Loader) warn(model, msg string) {
	if l.warnFn == nil {
		return
	}
	key := [2]string{model, msg}
	if l.warned[key] {
		return
	}
	l.warned[key] = true
	l.warnFn(model, msg)
}

// Add parses one model-definition JSON document and adds it (and the
// anonymous models of its inline object types) to the loader. It fails,
// wrapping ErrInvalidDefinition, on invalid JSON, a missing or non-string
// "name", a malformed key (property, index, scope, strict, ...), and with
// ErrDuplicateModel when a model of the same name was already added.
// References to other models are only checked by Resolve.
func (l *Loader) Add(def []byte) error {
	d, nested, err := parseDefinition(def, l.warn)
	if err != nil {
		return err
	}
	all := append([]*definition{d}, nested...)
	for _, x := range all {
		if _, dup := l.byName[x.name]; dup {
			if x == d {
				return modelErr(ErrDuplicateModel, x.name, "model is defined more than once")
			}
			return modelErr(ErrDuplicateModel, x.name, "the inline type model of %q has the name of another model", d.name)
		}
	}
	for _, x := range all {
		l.byName[x.name] = x
		l.defs = append(l.defs, x)
	}
	return nil
}

// AddDir adds every DIR/*.json file in file-name order, as loopback-boot
// attaches them. model-config.json is not a model: it is read for each
// model's "public" (false keeps the model off REST: Model.Public) and
// "dataSource" (a name other than "db" or "memory", or null, is warned
// about; relstore keeps every model in its own store). Other files and
// subdirectories are ignored. Errors name the file; I/O errors wrap the
// underlying error (errors.Is(err, fs.ErrNotExist) for a missing dir).
func (l *Loader) AddDir(dir string) error {
	return l.addFS(os.DirFS(dir), ".", func(name string) string { return filepath.Join(dir, name) })
}

// AddFS is AddDir over a file system, e.g. an embed.FS of example models;
// dir is a slash-separated path in fsys ("." for its root).
func (l *Loader) AddFS(fsys fs.FS, dir string) error {
	return l.addFS(fsys, dir, func(name string) string { return path.Join(dir, name) })
}

func (l *Loader) addFS(fsys fs.FS, dir string, display func(string) string) error {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return fmt.Errorf("relstore: read models directory %s: %w", display(""), err)
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.EqualFold(path.Ext(name), ".json") {
			continue
		}
		data, err := fs.ReadFile(fsys, path.Join(dir, name))
		if err != nil {
			return fmt.Errorf("relstore: read %s: %w", display(name), err)
		}
		if strings.EqualFold(name, "model-config.json") {
			err = l.addConfig(display(name), data)
		} else {
			err = l.Add(data)
		}
		if err != nil {
			return inFile(display(name), err)
		}
	}
	return nil
}

// addConfig reads a model-config.json: {"Model": {"dataSource": "db",
// "public": true}, "_meta": {...}}.
func (l *Loader) addConfig(file string, data []byte) error {
	members, err := objectMembers(data)
	if err != nil {
		return err
	}
	for _, m := range members {
		if strings.HasPrefix(m.key, "_") {
			continue
		}
		var entry map[string]any
		if jsonKind(m.value) != '{' || json.Unmarshal(m.value, &entry) != nil {
			return modelErr(nil, m.key, "model-config entry must be an object")
		}
		c := configEntry{file: file, model: m.key}
		if v, ok := entry["public"]; ok && v != nil {
			b, ok := v.(bool)
			if !ok {
				return modelErr(nil, m.key, "model-config \"public\" must be true or false")
			}
			c.public = &b
		}
		c.dataSource, c.hasDS = entry["dataSource"]
		l.configs = append(l.configs, c)
	}
	return nil
}

// applyConfig copies model-config.json settings onto the resolved models.
func (l *Loader) applyConfig(set *Set) {
	for _, c := range l.configs {
		m := set.Models[c.model]
		if m == nil {
			if authModels[strings.ToLower(c.model)] {
				l.warn(c.model, "model-config: built-in LoopBack model is not supported; entry ignored")
			} else {
				l.warn(c.model, "model-config: no model of this name is defined; entry ignored")
			}
			continue
		}
		if c.public != nil {
			p := *c.public
			m.Public = &p
		}
		if c.hasDS {
			switch ds := c.dataSource.(type) {
			case string:
				if !knownDataSources[ds] {
					l.warn(c.model, fmt.Sprintf("model-config: dataSource %q is not known; relstore keeps the model in its own store", ds))
				}
			case nil:
				l.warn(c.model, "model-config: dataSource null (model not attached in LB3); relstore keeps the model in its own store")
			default:
				l.warn(c.model, "model-config: dataSource must be a name; ignored")
			}
		}
	}
}

// Resolve resolves everything added so far into a Set: bases (merged with
// LB3's legacy policy), property types naming models, ids, relations with
// LoopBack's defaults, foreign-key properties and indexes, model-config.json
// settings. It validates the whole set and fails, wrapping
// ErrInvalidDefinition and a specific sentinel, on an undefined base
// (ErrUndefinedModel), a built-in authentication base (ErrUnsupportedBase),
// a base cycle (ErrBaseCycle), an unknown property type (ErrUnknownType), a
// persisted model without id (ErrMissingID), a bad relation
// (ErrInvalidRelation, ErrUndefinedModel) or an incompatible foreign key
// type (ErrKeyType). Resolve does not change the Loader: it may be called
// again, e.g. after more Add calls. The models of the returned Set are new
// values owned by the caller; their lookup caches are primed so that
// concurrent reads (Property, Relation) are safe as long as nobody mutates
// the Set.
func (l *Loader) Resolve() (*Set, error) {
	r := newResolver(l)
	set, err := r.resolve()
	if err != nil {
		return nil, err
	}
	l.applyConfig(set)
	for _, m := range set.Models {
		m.Property("")
		m.Relation("")
	}
	return set, nil
}

// LoadDir loads DIR/*.json (see AddDir) and resolves the set.
func LoadDir(dir string, opts *LoadOptions) (*Set, error) {
	l := NewLoader(opts)
	if err := l.AddDir(dir); err != nil {
		return nil, err
	}
	return l.Resolve()
}
