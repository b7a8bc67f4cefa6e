package engine

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/relstore/relstore/schema"
)

// Referential integrity is opt-in, so that LoopBack's weak relations stay
// the default: "integrity": "strict" on a belongsTo refuses a dangling
// foreign key on create and update (409 FOREIGN_KEY_VIOLATION); "onDelete"
// on a hasMany, hasOne or through relation says what deleting the parent
// does to its children (or through rows): "cascade" deletes them, "restrict"
// refuses the delete while any exist (409 DELETE_RESTRICTED), "setNull"
// clears their foreign key, "noAction" (the default) leaves them.

// checkIntegrity verifies the strict belongsTo relations of a record about
// to be written.
func (tx *Tx) checkIntegrity(ms *modelState, rec map[string]any) error {
	for _, rel := range ms.m.Relations {
		if rel.Type != schema.RelBelongsTo || rel.Integrity != "strict" || rel.Polymorphic != nil {
			continue
		}
		fk := rec[rel.ForeignKey]
		if fk == nil {
			continue
		}
		tms := tx.st.models[rel.Model]
		if tms == nil {
			continue
		}
		groups, err := tx.rowsByField(tms, targetKeyName(tms, rel), []any{fk})
		if err != nil {
			return err
		}
		k, _ := valueKey(fk)
		if len(groups[k]) == 0 {
			return &Error{Kind: ErrForeignKey, Status: 409, Code: "FOREIGN_KEY_VIOLATION",
				Message: fmt.Sprintf("%s.%s = %s refers to a %s that does not exist (relation %q is strict)",
					ms.m.Name, rel.ForeignKey, jsonString(fk), rel.Model, rel.Name)}
		}
	}
	return nil
}

// applyDeletePolicies runs the onDelete policies of the relations of a
// record about to be deleted. The whole cascade tree is checked for
// restrictions first (the record's own restrict relations and those of
// every record a cascade would delete), so a refused delete writes nothing,
// even inside a longer transaction; then cascades delete recursively and
// setNull clears foreign keys.
func (tx *Tx) applyDeletePolicies(ms *modelState, rec map[string]any) error {
	if err := tx.checkRestrict(ms, rec, nil, map[string]bool{}); err != nil {
		return err
	}
	return tx.runDeletePolicies(ms, rec)
}

// checkRestrict refuses the delete of rec when a restrict relation of rec,
// or of a record a cascade from rec would delete, still has rows. root is
// the record whose delete was asked for (nil: rec itself); seen holds the
// records already visited (cycles of cascades).
func (tx *Tx) checkRestrict(ms *modelState, rec map[string]any, root *restrictRoot, seen map[string]bool) error {
	var blocking []string
	for _, rel := range ms.m.Relations {
		if rel.OnDelete != "restrict" {
			continue
		}
		rows, err := tx.policyRows(ms, rel, rec)
		if err != nil {
			return err
		}
		if len(rows) > 0 {
			blocking = append(blocking, rel.Name)
		}
	}
	if len(blocking) > 0 {
		sort.Strings(blocking)
		ids, _ := ms.idOf(rec)
		msg := fmt.Sprintf("Cannot delete %s %s: related records exist in %s", ms.m.Name, idString(first(ids)), strings.Join(blocking, ", "))
		if root != nil {
			msg = fmt.Sprintf("Cannot delete %s %s: it cascades to %s %s, whose related records exist in %s",
				root.model, idString(root.id), ms.m.Name, idString(first(ids)), strings.Join(blocking, ", "))
		}
		return &Error{Kind: ErrDeleteRestricted, Status: 409, Code: "DELETE_RESTRICTED", Message: msg}
	}
	for _, rel := range ms.m.Relations {
		// Rows a cascade deletes (and the links setNull removes on a
		// through relation) are deleted in turn: check their policies.
		if rel.OnDelete != "cascade" && !(rel.OnDelete == "setNull" && rel.Through != "") {
			continue
		}
		cms := tx.policyModel(rel)
		if cms == nil {
			continue
		}
		rows, err := tx.policyRows(ms, rel, rec)
		if err != nil {
			return err
		}
		next := root
		if next == nil {
			ids, _ := ms.idOf(rec)
			next = &restrictRoot{model: ms.m.Name, id: first(ids)}
		}
		for _, r := range rows {
			k := cms.m.Name + "\x00" + string(r.pk)
			if seen[k] {
				continue
			}
			seen[k] = true
			if err := tx.checkRestrict(cms, r.rec, next, seen); err != nil {
				return err
			}
		}
	}
	return nil
}

// restrictRoot names the record whose delete started a cascade.
type restrictRoot struct {
	model string
	id    any
}

// runDeletePolicies applies cascade and setNull once restrictions passed.
func (tx *Tx) runDeletePolicies(ms *modelState, rec map[string]any) error {
	for _, rel := range ms.m.Relations {
		switch rel.OnDelete {
		case "cascade", "setNull":
		default:
			continue
		}
		cms := tx.policyModel(rel)
		if cms == nil {
			continue
		}
		rows, err := tx.policyRows(ms, rel, rec)
		if err != nil {
			return err
		}
		for _, r := range rows {
			// Read each row again: an earlier cascade of this delete may
			// have deleted or changed it.
			cur, err := tx.getRecord(cms, r.pk)
			if err != nil {
				return err
			}
			if cur == nil {
				continue
			}
			if rel.OnDelete == "cascade" || rel.Through != "" {
				// A through row without its source is meaningless: setNull
				// on a through relation removes the links.
				if err := tx.cascadeDelete(cms, r.pk, cur); err != nil {
					return err
				}
				continue
			}
			patched := copyRecord(cur)
			patched[rel.ForeignKey] = nil
			if err := tx.writeRecord(cms, r.pk, cur, patched); err != nil {
				return err
			}
			ids, _ := cms.idOf(patched)
			tx.recordWrite(cms, "update", first(ids), patched)
		}
	}
	return nil
}

// cascadeDelete deletes a record reached by a cascade (whose restrictions
// were checked with the root's), running its own policies first.
func (tx *Tx) cascadeDelete(ms *modelState, pk []byte, old map[string]any) error {
	if err := tx.runDeletePolicies(ms, old); err != nil {
		return err
	}
	if err := tx.writeRecord(ms, pk, old, nil); err != nil {
		return err
	}
	tx.recordRemove(ms, old)
	return nil
}

// policyModel is the model a delete policy acts on: the target of a
// hasMany/hasOne, the through model of a through relation.
func (tx *Tx) policyModel(rel *schema.Relation) *modelState {
	if rel.Through != "" {
		return tx.st.models[rel.Through]
	}
	switch rel.Type {
	case schema.RelHasMany, schema.RelHasOne:
		return tx.st.models[rel.Model]
	}
	return nil
}

// policyRows lists the stored rows a delete policy of rel acts on for rec
// (no scopes: integrity concerns every row holding the key).
func (tx *Tx) policyRows(ms *modelState, rel *schema.Relation, rec map[string]any) ([]row, error) {
	cms := tx.policyModel(rel)
	if cms == nil {
		return nil, nil
	}
	key := tx.sourceKey(ms, rel, rec)
	if key == nil {
		return nil, nil
	}
	groups, err := tx.rowsByField(cms, rel.ForeignKey, []any{key})
	if err != nil {
		return nil, err
	}
	k, _ := valueKey(key)
	rows := groups[k]
	if rel.Polymorphic != nil {
		disc, val := rel.Polymorphic.Discriminator, ms.m.Name
		if d, v, ok := throughDiscriminator(ms, rel); ok {
			disc, val = d, v
		}
		var typed []row
		for _, r := range rows {
			if r.rec[disc] == val {
				typed = append(typed, r)
			}
		}
		rows = typed
	}
	return rows, nil
}

func first(vals []any) any {
	if len(vals) == 0 {
		return nil
	}
	return vals[0]
}

func jsonString(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
