package engine

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/relstore/relstore/index"
	"github.com/relstore/relstore/schema"
	"github.com/relstore/relstore/storage"
)

// catalogVersion is the format version of the persisted catalog.
const catalogVersion = 1

// catalog is what a store knows about its models without their definition
// files: the resolved definitions, stable model and index ids, and which
// indexes exist. It is persisted as JSON under catalogKey.
type catalog struct {
	Version     int                  `json:"version"`
	NextModelID uint64               `json:"nextModelId"`
	Models      map[string]*catModel `json:"models"`
	Order       []string             `json:"order"`
}

type catModel struct {
	ID          uint64        `json:"id"`
	Def         *schema.Model `json:"def"`
	Indexes     []*catIndex   `json:"indexes"`
	NextIndexID uint64        `json:"nextIndexId"`
}

type catIndex struct {
	ID     uint64   `json:"id"`
	Name   string   `json:"name"`
	Fields []string `json:"fields"`
	Unique bool     `json:"unique,omitempty"`
}

func newCatalog() *catalog {
	return &catalog{Version: catalogVersion, NextModelID: 1, Models: map[string]*catModel{}}
}

func loadCatalog(r storage.Reader) (*catalog, error) {
	b, err := r.Get(catalogKey)
	if errors.Is(err, storage.ErrNotFound) {
		return newCatalog(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("relstore: read catalog: %w", err)
	}
	c := newCatalog()
	if err := json.Unmarshal(b, c); err != nil {
		return nil, fmt.Errorf("relstore: decode catalog: %w", err)
	}
	if c.Version != catalogVersion {
		return nil, fmt.Errorf("relstore: catalog version %d is not supported (want %d)", c.Version, catalogVersion)
	}
	return c, nil
}

func (c *catalog) encode() ([]byte, error) { return json.Marshal(c) }

// clone deep-copies the catalog through JSON (definitions included).
func (c *catalog) clone() *catalog {
	b, _ := json.Marshal(c)
	out := newCatalog()
	_ = json.Unmarshal(b, out)
	return out
}

// set rebuilds a schema.Set from the stored definitions.
func (c *catalog) set() *schema.Set {
	s := &schema.Set{Models: map[string]*schema.Model{}}
	for _, name := range c.Order {
		if cm := c.Models[name]; cm != nil {
			s.Models[name] = cm.Def
			s.Order = append(s.Order, name)
		}
	}
	return s
}

// modelIndexes lists the indexes a model needs: declared ones, plus the
// foreign-key indexes relations declare (already in Model.Indexes, added by
// the loader), deduplicated by field list.
func modelIndexes(m *schema.Model) []*schema.Index {
	var out []*schema.Index
	seen := map[string]bool{}
	for _, ix := range m.Indexes {
		key := fmt.Sprint(ix.Fields, ix.Unique)
		if seen[key] || len(ix.Fields) == 0 {
			continue
		}
		seen[key] = true
		out = append(out, ix)
	}
	for _, p := range m.Properties {
		if (p.Index || p.Unique) && p.ID == 0 {
			key := fmt.Sprint([]string{p.Name}, p.Unique)
			if !seen[key] {
				seen[key] = true
				out = append(out, &schema.Index{Name: p.Name, Fields: []string{p.Name}, Unique: p.Unique})
			}
		}
	}
	return out
}

// compatible reports why stored definition old cannot be replaced by new,
// or "" when it can.
func compatible(old, new *schema.Model) string {
	oldID, newID := old.IDProperties(), new.IDProperties()
	if len(oldID) != len(newID) {
		return fmt.Sprintf("model %q: the id property changes", new.Name)
	}
	for i := range oldID {
		if oldID[i].Name != newID[i].Name || oldID[i].Type.Kind != newID[i].Type.Kind {
			return fmt.Sprintf("model %q: the id property changes from %q (%s) to %q (%s)",
				new.Name, oldID[i].Name, oldID[i].Type.Kind, newID[i].Name, newID[i].Type.Kind)
		}
	}
	for _, op := range old.Properties {
		np := new.Property(op.Name)
		if np == nil {
			continue
		}
		if !sameType(op.Type, np.Type) {
			return fmt.Sprintf("model %q: property %q changes type from %s to %s",
				new.Name, op.Name, typeString(op.Type), typeString(np.Type))
		}
	}
	return ""
}

func sameType(a, b schema.Type) bool {
	if a.Kind != b.Kind || a.Model != b.Model {
		return false
	}
	if (a.Item == nil) != (b.Item == nil) {
		return false
	}
	if a.Item != nil {
		return sameType(*a.Item, *b.Item)
	}
	return true
}

func typeString(t schema.Type) string {
	switch {
	case t.Kind == schema.KindArray && t.Item != nil:
		return "[" + typeString(*t.Item) + "]"
	case t.Kind == schema.KindModel:
		return t.Model
	}
	return string(t.Kind)
}

// specsFor builds the runtime index specs of a stored model.
func specsFor(cm *catModel) []*index.Spec {
	specs := make([]*index.Spec, 0, len(cm.Indexes))
	for _, ci := range cm.Indexes {
		specs = append(specs, &index.Spec{
			ID: ci.ID, Name: ci.Name, Fields: ci.Fields, Unique: ci.Unique,
			Prefix: indexPrefix(cm.ID, ci.ID),
		})
	}
	return specs
}
