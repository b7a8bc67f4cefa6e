package server

import (
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/relstore/relstore/schema"
)

// routerTestSet is a hand-built schema exercising every kind of route.
func routerTestSet() *schema.Set {
	f := false
	id := func() []*schema.Property {
		return []*schema.Property{{Name: "id", Type: schema.Type{Kind: schema.KindNumber}, ID: 1, Generated: true}}
	}
	models := []*schema.Model{
		{Name: "Customer", Plural: "Customers", Persisted: true, Properties: id(),
			Scopes: map[string]any{"youngFolks": map[string]any{"where": map[string]any{"age": map[string]any{"lte": 22.0}}}},
			Relations: []*schema.Relation{
				{Name: "orders", Type: schema.RelHasMany, Model: "Order", ForeignKey: "customerId"},
				{Name: "profile", Type: schema.RelHasOne, Model: "Profile", ForeignKey: "customerId"},
				{Name: "favs", Type: schema.RelReferencesMany, Model: "Product", ForeignKey: "favIds", HTTPPath: "favourites"},
				{Name: "notes", Type: schema.RelHasMany, Model: "Order", ForeignKey: "noteId", HTTPPath: "/my/notes/"},
				{Name: "ghost", Type: schema.RelHasMany, Model: "Undefined", ForeignKey: "x"},
			}},
		{Name: "Order", Plural: "Orders", Persisted: true, Properties: id(),
			Relations: []*schema.Relation{{Name: "customer", Type: schema.RelBelongsTo, Model: "Customer", ForeignKey: "customerId"}}},
		{Name: "Profile", Plural: "Profiles", Persisted: true, Properties: id()},
		{Name: "Product", Plural: "Products", Persisted: true, Properties: id()},
		{Name: "Physician", Plural: "Physicians", Persisted: true, Properties: id(),
			Relations: []*schema.Relation{{Name: "patients", Type: schema.RelHasMany, Model: "Patient", Through: "Appointment",
				ForeignKey: "physicianId", KeyThrough: "patientId"}}},
		{Name: "Patient", Plural: "Patients", Persisted: true, Properties: id()},
		{Name: "Appointment", Plural: "Appointments", Persisted: true, Properties: id()},
		{Name: "location", Plural: "locations", HTTPPath: "/places/here", Persisted: true, Properties: id()},
		{Name: "Secret", Plural: "Secrets", Persisted: true, Public: &f, Properties: id()},
		{Name: "Address", Plural: "Addresses", Persisted: false},
	}
	set := &schema.Set{Models: map[string]*schema.Model{}}
	for _, m := range models {
		set.Models[m.Name] = m
		set.Order = append(set.Order, m.Name)
	}
	return set
}

func TestRouterLookup(t *testing.T) {
	rt := newRouter(routerTestSet())
	tests := []struct {
		name      string
		method    string
		path      string
		wantModel string // "" = no model
		wantRoute string // "" = no route
		wantID    string
		wantFK    string
	}{
		{"find", "GET", "Customers", "Customer", "find", "", ""},
		{"create", "POST", "Customers", "Customer", "create", "", ""},
		{"patchOrCreate", "PATCH", "Customers", "Customer", "patchOrCreate", "", ""},
		{"replaceOrCreate PUT", "PUT", "Customers", "Customer", "replaceOrCreate", "", ""},
		{"replaceOrCreate POST", "POST", "Customers/replaceOrCreate", "Customer", "replaceOrCreate", "", ""},
		{"upsertWithWhere", "POST", "Customers/upsertWithWhere", "Customer", "upsertWithWhere", "", ""},
		{"count beats id", "GET", "Customers/count", "Customer", "count", "", ""},
		{"findOne beats id", "GET", "Customers/findOne", "Customer", "findOne", "", ""},
		{"findById", "GET", "Customers/7", "Customer", "findById", "7", ""},
		{"exists", "GET", "Customers/7/exists", "Customer", "exists", "7", ""},
		{"head exists", "HEAD", "Customers/7", "Customer", "exists", "7", ""},
		{"head count is exists like LB3", "HEAD", "Customers/count", "Customer", "exists", "count", ""},
		{"head falls back to GET", "HEAD", "Customers", "Customer", "find", "", ""},
		{"replaceById PUT", "PUT", "Customers/7", "Customer", "replaceById", "7", ""},
		{"replaceById POST", "POST", "Customers/7/replace", "Customer", "replaceById", "7", ""},
		{"patchAttributes", "PATCH", "Customers/7", "Customer", "prototype.patchAttributes", "7", ""},
		{"deleteById", "DELETE", "Customers/7", "Customer", "deleteById", "7", ""},
		{"updateAll", "POST", "Customers/update", "Customer", "updateAll", "", ""},
		{"no updateAll path", "POST", "Customers/updateAll", "Customer", "", "", ""},
		{"change-stream GET", "GET", "Customers/change-stream", "Customer", "createChangeStream", "", ""},
		{"change-stream POST", "POST", "Customers/change-stream", "Customer", "createChangeStream", "", ""},
		{"no destroyAll", "DELETE", "Customers", "Customer", "", "", ""},
		{"no POST on id", "POST", "Customers/1", "Customer", "", "", ""},
		{"scope find", "GET", "Customers/youngFolks", "Customer", "__get__youngFolks", "", ""},
		{"scope create", "POST", "Customers/youngFolks", "Customer", "__create__youngFolks", "", ""},
		{"scope delete", "DELETE", "Customers/youngFolks", "Customer", "__delete__youngFolks", "", ""},
		{"scope count", "GET", "Customers/youngFolks/count", "Customer", "__count__youngFolks", "", ""},
		{"hasMany get", "GET", "Customers/1/orders", "Customer", "prototype.__get__orders", "1", ""},
		{"hasMany create", "POST", "Customers/1/orders", "Customer", "prototype.__create__orders", "1", ""},
		{"hasMany delete", "DELETE", "Customers/1/orders", "Customer", "prototype.__delete__orders", "1", ""},
		{"hasMany count", "GET", "Customers/1/orders/count", "Customer", "prototype.__count__orders", "1", ""},
		{"hasMany findById", "GET", "Customers/1/orders/2", "Customer", "prototype.__findById__orders", "1", "2"},
		{"hasMany updateById", "PUT", "Customers/1/orders/2", "Customer", "prototype.__updateById__orders", "1", "2"},
		{"hasMany destroyById", "DELETE", "Customers/1/orders/2", "Customer", "prototype.__destroyById__orders", "1", "2"},
		{"hasMany has no link", "PUT", "Customers/1/orders/rel/2", "Customer", "", "", ""},
		{"hasMany has no PATCH", "PATCH", "Customers/1/orders/2", "Customer", "", "", ""},
		{"hasOne get", "GET", "Customers/1/profile", "Customer", "prototype.__get__profile", "1", ""},
		{"hasOne create", "POST", "Customers/1/profile", "Customer", "prototype.__create__profile", "1", ""},
		{"hasOne update", "PUT", "Customers/1/profile", "Customer", "prototype.__update__profile", "1", ""},
		{"hasOne destroy", "DELETE", "Customers/1/profile", "Customer", "prototype.__destroy__profile", "1", ""},
		{"hasOne has no count", "GET", "Customers/1/profile/count", "Customer", "", "", ""},
		{"belongsTo get", "GET", "Orders/3/customer", "Order", "prototype.__get__customer", "3", ""},
		{"belongsTo has no POST", "POST", "Orders/3/customer", "Order", "", "", ""},
		{"through link", "PUT", "Physicians/1/patients/rel/2", "Physician", "prototype.__link__patients", "1", "2"},
		{"through unlink", "DELETE", "Physicians/1/patients/rel/2", "Physician", "prototype.__unlink__patients", "1", "2"},
		{"through exists", "HEAD", "Physicians/1/patients/rel/2", "Physician", "prototype.__exists__patients", "1", "2"},
		{"through count", "GET", "Physicians/1/patients/count", "Physician", "prototype.__count__patients", "1", ""},
		{"relation http path", "GET", "Customers/1/favourites", "Customer", "prototype.__get__favs", "1", ""},
		{"relation name not served under http path", "GET", "Customers/1/favs", "Customer", "", "", ""},
		{"multi-segment relation path", "GET", "Customers/1/my/notes/7", "Customer", "prototype.__findById__notes", "1", "7"},
		{"multi-segment relation count", "GET", "Customers/1/my/notes/count", "Customer", "prototype.__count__notes", "1", ""},
		{"referencesMany link", "PUT", "Customers/1/favourites/rel/9", "Customer", "prototype.__link__favs", "1", "9"},
		{"relation to undefined model", "GET", "Customers/1/ghost", "Customer", "", "", ""},
		{"unknown relation", "GET", "Customers/1/nope", "Customer", "", "", ""},
		{"case-insensitive model", "GET", "customers/COUNT", "Customer", "count", "", ""},
		{"model http path", "GET", "places/here/5", "location", "findById", "5", ""},
		{"plural not served under http path", "GET", "locations", "", "", "", ""},
		{"private model", "GET", "Secrets", "", "", "", ""},
		{"not persisted", "GET", "Addresses", "", "", "", ""},
		{"unknown model", "GET", "Nope", "", "", "", ""},
		{"root", "GET", "", "", "", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			segs, err := pathSegments("/" + tc.path)
			if err != nil {
				t.Fatal(err)
			}
			m := rt.lookup(tc.method, segs)
			gotModel, gotRoute := "", ""
			if m.model != nil {
				gotModel = m.model.model.Name
			}
			if m.route != nil {
				gotRoute = m.route.name
			}
			if gotModel != tc.wantModel || gotRoute != tc.wantRoute || m.id != tc.wantID || m.fk != tc.wantFK {
				t.Fatalf("lookup(%s /%s) = model %q route %q id %q fk %q; want %q %q %q %q",
					tc.method, tc.path, gotModel, gotRoute, m.id, m.fk, tc.wantModel, tc.wantRoute, tc.wantID, tc.wantFK)
			}
		})
	}
}

func TestRouteWriteFlags(t *testing.T) {
	rt := newRouter(routerTestSet())
	for _, mr := range rt.models {
		for _, r := range mr.routes {
			wantWrite := r.method != http.MethodGet && r.method != http.MethodHead && !r.stream
			if r.write != wantWrite {
				t.Errorf("%s %s /%s: write = %v, want %v", mr.model.Name, r.method, strings.Join(r.segs, "/"), r.write, wantWrite)
			}
		}
	}
}

func TestPathSegments(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []string
		wantErr bool
	}{
		{"empty", "", nil, false},
		{"slash", "/", nil, false},
		{"trailing slash ignored", "/Books/", []string{"Books"}, false},
		{"decoded", "/Tags/a%20b/x%2Fy", []string{"Tags", "a b", "x/y"}, false},
		{"bad escape", "/Tags/%zz", nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := pathSegments(tc.in)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v", err)
			}
			if !tc.wantErr && !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}
