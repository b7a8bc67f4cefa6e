package schema

import (
	"reflect"
	"sync"
	"testing"
)

func TestSetSortedAndLookup(t *testing.T) {
	set := mustLoad(t, `{"name": "b"}`, `{"name": "A", "properties": {"x": {"type": {"y": "string"}}}}`, `{"name": "C"}`)
	var names []string
	for _, m := range set.Sorted() {
		names = append(names, m.Name)
	}
	if want := []string{"b", "A", "A_x", "C"}; !reflect.DeepEqual(names, want) {
		t.Errorf("Sorted = %v, want %v", names, want)
	}
	tests := []struct{ name, want string }{
		{"A", "A"}, {"a", "A"}, {"B", "b"}, {"a_X", "A_x"}, {"nope", ""},
	}
	for _, tt := range tests {
		got := ""
		if m := set.Lookup(tt.name); m != nil {
			got = m.Name
		}
		if got != tt.want {
			t.Errorf("Lookup(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
	if set.Model("a") != nil {
		t.Error("Model must be exact")
	}
	var nilSet *Set
	if nilSet.Lookup("A") != nil || nilSet.Sorted() != nil || nilSet.Model("A") != nil {
		t.Error("nil Set accessors must return nil")
	}
}

func TestLookupAmbiguous(t *testing.T) {
	set := mustLoad(t, `{"name": "Item"}`, `{"name": "ITEM"}`)
	if m := set.Lookup("item"); m != nil {
		t.Errorf("Lookup(item) = %q, want nil (ambiguous)", m.Name)
	}
	if m := set.Lookup("ITEM"); m == nil || m.Name != "ITEM" {
		t.Error("exact match must win")
	}
}

func TestPluralPath(t *testing.T) {
	tests := []struct{ doc, want string }{
		{`{"name": "Customer"}`, "Customers"},
		{`{"name": "Person"}`, "People"},
		{`{"name": "Person", "plural": "people"}`, "people"},
		{`{"name": "location"}`, "locations"},
		{`{"name": "inventory"}`, "inventories"},
		{`{"name": "Customer", "http": {"path": "/clients"}}`, "clients"},
		{`{"name": "Customer", "plural": "Buyers", "http": {"path": "shoppers"}}`, "shoppers"},
	}
	for _, tt := range tests {
		t.Run(tt.doc, func(t *testing.T) {
			set := mustLoad(t, tt.doc)
			if got := set.Sorted()[0].PluralPath(); got != tt.want {
				t.Errorf("PluralPath = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDeclaredNamesIsACopy(t *testing.T) {
	m := mustLoad(t, `{"name": "M", "properties": {"a": "string"}}`).Model("M")
	names := m.DeclaredNames()
	names[0] = "changed"
	if m.DeclaredNames()[0] != "id" {
		t.Error("DeclaredNames must return a fresh slice")
	}
}

// TestConcurrentReads runs the lazily cached lookups from many goroutines;
// with -race it fails if Resolve did not prime the caches.
func TestConcurrentReads(t *testing.T) {
	set := mustLoad(t, `{"name": "C", "relations": {"orders": {"type": "hasMany", "model": "O"}}}`, `{"name": "O"}`)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, m := range set.Sorted() {
				_ = m.Property("id")
				_ = m.Relation("orders")
				_ = m.IDName()
			}
		}()
	}
	wg.Wait()
}
