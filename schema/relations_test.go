package schema

import (
	"reflect"
	"testing"
)

func TestRelationDefaults(t *testing.T) {
	tests := []struct {
		name  string
		docs  []string
		model string // model holding the relation
		rel   string
		want  Relation // Name is filled in from rel
		// holder.prop must exist with type kind
		holder, prop string
		kind         Kind
	}{
		{"belongsTo", []string{`{"name": "Order", "relations": {"customer": {"type": "belongsTo", "model": "Customer"}}}`, `{"name": "Customer"}`},
			"Order", "customer", Relation{Type: RelBelongsTo, Model: "Customer", ForeignKey: "customerId", PrimaryKey: "id"},
			"Order", "customerId", KindNumber},
		{"belongsTo FK follows the relation name", []string{`{"name": "Post", "relations": {"owner": {"type": "belongsTo", "model": "Member"}}}`, `{"name": "Member"}`},
			"Post", "owner", Relation{Type: RelBelongsTo, Model: "Member", ForeignKey: "ownerId", PrimaryKey: "id"},
			"Post", "ownerId", KindNumber},
		{"belongsTo primaryKey", []string{`{"name": "Post", "relations": {"tag": {"type": "belongsTo", "model": "Tag", "primaryKey": "slug", "foreignKey": "tagSlug"}}}`,
			`{"name": "Tag", "properties": {"slug": {"type": "string", "index": {"unique": true}}}}`},
			"Post", "tag", Relation{Type: RelBelongsTo, Model: "Tag", ForeignKey: "tagSlug", PrimaryKey: "slug"},
			"Post", "tagSlug", KindString},
		{"belongsTo to a string id", []string{`{"name": "Post", "relations": {"tag": {"type": "belongsTo", "model": "Tag"}}}`,
			`{"name": "Tag", "idInjection": false, "properties": {"slug": {"type": "string", "id": true}}}`},
			"Post", "tag", Relation{Type: RelBelongsTo, Model: "Tag", ForeignKey: "tagId", PrimaryKey: "slug"},
			"Post", "tagId", KindString},
		{"empty foreignKey means default", []string{`{"name": "Order", "relations": {"customer": {"type": "belongsTo", "model": "Customer", "foreignKey": ""}}}`, `{"name": "Customer"}`},
			"Order", "customer", Relation{Type: RelBelongsTo, Model: "Customer", ForeignKey: "customerId", PrimaryKey: "id"},
			"Order", "customerId", KindNumber},
		{"hasMany", []string{`{"name": "Customer", "relations": {"orders": {"type": "hasMany", "model": "Order"}}}`, `{"name": "Order"}`},
			"Customer", "orders", Relation{Type: RelHasMany, Model: "Order", ForeignKey: "customerId", PrimaryKey: "id"},
			"Order", "customerId", KindNumber},
		{"hasMany Physician", []string{`{"name": "Physician", "relations": {"appointments": {"type": "hasMany", "model": "Appointment"}}}`, `{"name": "Appointment"}`},
			"Physician", "appointments", Relation{Type: RelHasMany, Model: "Appointment", ForeignKey: "physicianId", PrimaryKey: "id"},
			"Appointment", "physicianId", KindNumber},
		{"hasMany lower-case model", []string{`{"name": "location", "relations": {"inventory": {"type": "hasMany", "model": "inventory"}}}`, `{"name": "inventory"}`},
			"location", "inventory", Relation{Type: RelHasMany, Model: "inventory", ForeignKey: "locationId", PrimaryKey: "id"},
			"inventory", "locationId", KindNumber},
		{"hasMany primaryKey", []string{`{"name": "Customer", "properties": {"code": "string"}, "relations": {"orders": {"type": "hasMany", "model": "Order", "primaryKey": "code", "foreignKey": "customerCode"}}}`, `{"name": "Order"}`},
			"Customer", "orders", Relation{Type: RelHasMany, Model: "Order", ForeignKey: "customerCode", PrimaryKey: "code"},
			"Order", "customerCode", KindString},
		{"hasOne", []string{`{"name": "Supplier", "relations": {"account": {"type": "hasOne", "model": "Account"}}}`, `{"name": "Account"}`},
			"Supplier", "account", Relation{Type: RelHasOne, Model: "Account", ForeignKey: "supplierId", PrimaryKey: "id"},
			"Account", "supplierId", KindNumber},
		{"type and target case-insensitive", []string{`{"name": "Customer", "relations": {"orders": {"type": "HASMANY", "model": "order"}}}`, `{"name": "Order"}`},
			"Customer", "orders", Relation{Type: RelHasMany, Model: "Order", ForeignKey: "customerId", PrimaryKey: "id"},
			"Order", "customerId", KindNumber},
		{"hasMany through", []string{
			`{"name": "Physician", "relations": {"patients": {"type": "hasMany", "model": "Patient", "through": "Appointment"}}}`,
			`{"name": "Patient"}`, `{"name": "Appointment"}`},
			"Physician", "patients", Relation{Type: RelHasMany, Model: "Patient", ForeignKey: "physicianId", PrimaryKey: "id", Through: "Appointment", KeyThrough: "patientId"},
			"Appointment", "patientId", KindNumber},
		{"LB4 through object", []string{
			`{"name": "Physician", "relations": {"patients": {"type": "hasMany", "model": "Patient", "through": {"model": "Appointment", "keyFrom": "doctorId", "keyTo": "sickId"}}}}`,
			`{"name": "Patient"}`, `{"name": "Appointment"}`},
			"Physician", "patients", Relation{Type: RelHasMany, Model: "Patient", ForeignKey: "doctorId", PrimaryKey: "id", Through: "Appointment", KeyThrough: "sickId"},
			"Appointment", "sickId", KindNumber},
		{"LB4 belongsTo keyFrom/keyTo", []string{`{"name": "Order", "relations": {"customer": {"type": "belongsTo", "model": "Customer", "keyFrom": "buyer", "keyTo": "code"}}}`,
			`{"name": "Customer", "properties": {"code": "string"}}`},
			"Order", "customer", Relation{Type: RelBelongsTo, Model: "Customer", ForeignKey: "buyer", PrimaryKey: "code"},
			"Order", "buyer", KindString},
		{"LB4 hasMany keyTo/keyFrom", []string{`{"name": "Customer", "relations": {"orders": {"type": "hasMany", "model": "Order", "keyTo": "buyerId", "keyFrom": "id"}}}`, `{"name": "Order"}`},
			"Customer", "orders", Relation{Type: RelHasMany, Model: "Order", ForeignKey: "buyerId", PrimaryKey: "id"},
			"Order", "buyerId", KindNumber},
		{"hasAndBelongsToMany implicit through", []string{`{"name": "Product", "relations": {"categories": {"type": "hasAndBelongsToMany", "model": "Category"}}}`, `{"name": "Category"}`},
			"Product", "categories", Relation{Type: RelHasAndBelongsToMany, Model: "Category", ForeignKey: "productId", PrimaryKey: "id", Through: "ProductCategory", KeyThrough: "categoryId"},
			"ProductCategory", "categoryId", KindNumber},
		{"hasAndBelongsToMany finds <To><From>", []string{`{"name": "Product", "relations": {"categories": {"type": "hasAndBelongsToMany", "model": "Category"}}}`, `{"name": "Category"}`, `{"name": "CategoryProduct"}`},
			"Product", "categories", Relation{Type: RelHasAndBelongsToMany, Model: "Category", ForeignKey: "productId", PrimaryKey: "id", Through: "CategoryProduct", KeyThrough: "categoryId"},
			"CategoryProduct", "productId", KindNumber},
		{"hasAndBelongsToMany throughTable", []string{`{"name": "Product", "relations": {"categories": {"type": "hasAndBelongsToMany", "model": "Category", "throughTable": "Link"}}}`, `{"name": "Category"}`},
			"Product", "categories", Relation{Type: RelHasAndBelongsToMany, Model: "Category", ForeignKey: "productId", PrimaryKey: "id", Through: "Link", KeyThrough: "categoryId"},
			"Link", "productId", KindNumber},
		{"referencesMany", []string{`{"name": "Customer", "relations": {"favorites": {"type": "referencesMany", "model": "Product"}}}`, `{"name": "Product"}`},
			"Customer", "favorites", Relation{Type: RelReferencesMany, Model: "Product", ForeignKey: "productIds", PrimaryKey: "id"},
			"Customer", "productIds", KindArray},
		{"embedsOne", []string{`{"name": "Customer", "relations": {"billing": {"type": "embedsOne", "model": "Address"}}}`, `{"name": "Address", "base": "Model"}`},
			"Customer", "billing", Relation{Type: RelEmbedsOne, Model: "Address", PrimaryKey: "id", Property: "address"},
			"Customer", "address", KindModel},
		{"embedsOne property equal to relation name", []string{`{"name": "Customer", "relations": {"address": {"type": "embedsOne", "model": "Address"}}}`, `{"name": "Address", "base": "Model"}`},
			"Customer", "address", Relation{Type: RelEmbedsOne, Model: "Address", PrimaryKey: "id", Property: "_address"},
			"Customer", "_address", KindModel},
		{"embedsMany", []string{`{"name": "Customer", "relations": {"emails": {"type": "embedsMany", "model": "EmailAddress"}}}`, `{"name": "EmailAddress", "base": "Model"}`},
			"Customer", "emails", Relation{Type: RelEmbedsMany, Model: "EmailAddress", PrimaryKey: "id", Property: "emailAddresses"},
			"Customer", "emailAddresses", KindArray},
		{"embedsMany explicit property", []string{`{"name": "Customer", "relations": {"emails": {"type": "embedsMany", "model": "EmailAddress", "property": "emailList"}}}`, `{"name": "EmailAddress", "base": "Model"}`},
			"Customer", "emails", Relation{Type: RelEmbedsMany, Model: "EmailAddress", PrimaryKey: "id", Property: "emailList"},
			"Customer", "emailList", KindArray},
		{"polymorphic belongsTo true", []string{`{"name": "Picture", "relations": {"imageable": {"type": "belongsTo", "polymorphic": true}}}`},
			"Picture", "imageable", Relation{Type: RelBelongsTo, ForeignKey: "imageableId", PrimaryKey: "id",
				Polymorphic: &Polymorphic{Selector: "imageable", ForeignKey: "imageableId", Discriminator: "imageableType"}},
			"Picture", "imageableType", KindString},
		{"polymorphic belongsTo selector string", []string{`{"name": "Picture", "relations": {"owner": {"type": "belongsTo", "polymorphic": "imageable"}}}`},
			"Picture", "owner", Relation{Type: RelBelongsTo, ForeignKey: "imageableId", PrimaryKey: "id",
				Polymorphic: &Polymorphic{Selector: "imageable", ForeignKey: "imageableId", Discriminator: "imageableType"}},
			"Picture", "imageableId", KindNumber},
		{"polymorphic belongsTo object", []string{`{"name": "Picture", "relations": {"owner": {"type": "belongsTo", "polymorphic": {"foreignKey": "ownerKey", "discriminator": "ownerKind", "idType": "string"}}}}`},
			"Picture", "owner", Relation{Type: RelBelongsTo, ForeignKey: "ownerKey", PrimaryKey: "id",
				Polymorphic: &Polymorphic{Selector: "owner", ForeignKey: "ownerKey", Discriminator: "ownerKind", IDType: "string"}},
			"Picture", "ownerKey", KindString},
		{"polymorphic hasMany", []string{`{"name": "Employee", "relations": {"pictures": {"type": "hasMany", "model": "Picture", "polymorphic": "imageable"}}}`, `{"name": "Picture"}`},
			"Employee", "pictures", Relation{Type: RelHasMany, Model: "Picture", ForeignKey: "imageableId", PrimaryKey: "id",
				Polymorphic: &Polymorphic{Selector: "imageable", ForeignKey: "imageableId", Discriminator: "imageableType"}},
			"Picture", "imageableType", KindString},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := mustLoad(t, tt.docs...)
			rel := set.Model(tt.model).Relation(tt.rel)
			if rel == nil {
				t.Fatalf("relation %s.%s missing", tt.model, tt.rel)
			}
			want := tt.want
			want.Name = tt.rel
			if !reflect.DeepEqual(*rel, want) {
				t.Errorf("relation\n got %+v %+v\nwant %+v %+v", *rel, rel.Polymorphic, want, want.Polymorphic)
			}
			holder := set.Model(tt.holder)
			if holder == nil {
				t.Fatalf("model %s missing", tt.holder)
			}
			p := holder.Property(tt.prop)
			if p == nil {
				t.Fatalf("property %s.%s not defined; have %v", tt.holder, tt.prop, holder.DeclaredNames())
			}
			if p.Type.Kind != tt.kind {
				t.Errorf("%s.%s kind = %s, want %s", tt.holder, tt.prop, p.Type.Kind, tt.kind)
			}
		})
	}
}

func TestImplicitThroughModel(t *testing.T) {
	set := mustLoad(t,
		`{"name": "Product", "relations": {"categories": {"type": "hasAndBelongsToMany", "model": "Category"}}}`,
		`{"name": "Category", "idInjection": false, "properties": {"code": {"type": "string", "id": true}}}`)
	th := set.Model("ProductCategory")
	if th == nil {
		t.Fatal("ProductCategory not defined")
	}
	if want := []string{"Product", "Category", "ProductCategory"}; !reflect.DeepEqual(set.Order, want) {
		t.Errorf("Order = %v, want %v", set.Order, want)
	}
	if !th.Persisted || th.Public == nil || *th.Public || th.PluralPath() != "ProductCategories" {
		t.Errorf("through persisted %v public %v path %q", th.Persisted, th.Public, th.PluralPath())
	}
	if got, want := th.DeclaredNames(), []string{"id", "productId", "categoryId"}; !reflect.DeepEqual(got, want) {
		t.Errorf("properties = %v, want %v", got, want)
	}
	if k := th.Property("categoryId").Type.Kind; k != KindString {
		t.Errorf("categoryId kind = %s, want string (the Category id type)", k)
	}
	wantRels := []*Relation{
		{Name: "product", Type: RelBelongsTo, Model: "Product", ForeignKey: "productId", PrimaryKey: "id"},
		{Name: "category", Type: RelBelongsTo, Model: "Category", ForeignKey: "categoryId", PrimaryKey: "code"},
	}
	if !reflect.DeepEqual(th.Relations, wantRels) {
		t.Errorf("through relations = %+v %+v", *th.Relations[0], *th.Relations[1])
	}
	wantIdx := []*Index{
		{Name: "through_productId_categoryId", Fields: []string{"productId", "categoryId"}},
		{Name: "fk_categoryId", Fields: []string{"categoryId"}},
	}
	if !reflect.DeepEqual(th.Indexes, wantIdx) {
		t.Errorf("through indexes = %s", indexesString(th.Indexes))
	}
}

func TestHABTMKeepsDeclaredThroughRelations(t *testing.T) {
	set := mustLoad(t,
		`{"name": "Product", "relations": {"categories": {"type": "hasAndBelongsToMany", "model": "Category", "through": "Tagging"}}}`,
		`{"name": "Category"}`,
		`{"name": "Tagging", "relations": {"product": {"type": "belongsTo", "model": "Product", "foreignKey": "productId"}}}`)
	var names []string
	for _, r := range set.Model("Tagging").Relations {
		names = append(names, r.Name)
	}
	if want := []string{"product", "category"}; !reflect.DeepEqual(names, want) {
		t.Errorf("Tagging relations = %v, want %v", names, want)
	}
}

func TestRelationRefusals(t *testing.T) {
	tests := []struct {
		name      string
		docs      []string
		sentinel  error
		fragments []string
	}{
		{"undefined target", []string{`{"name": "Order", "relations": {"customer": {"type": "belongsTo", "model": "Custmer"}}}`, `{"name": "Customer"}`},
			ErrUndefinedModel, []string{`relstore: model "Order": relation "customer": target model "Custmer" is not defined`}},
		{"belongsTo without model", []string{`{"name": "Order", "relations": {"customer": {"type": "belongsTo"}}}`},
			ErrInvalidRelation, []string{`model "Order"`, `relation "customer"`, `needs "model"`}},
		{"hasMany without model", []string{`{"name": "C", "relations": {"orders": {"type": "hasMany", "foreignKey": "cId"}}}`},
			ErrInvalidRelation, []string{`relation "orders"`, `needs "model"`}},
		{"polymorphic belongsTo with model", []string{`{"name": "P", "relations": {"imageable": {"type": "belongsTo", "model": "P", "polymorphic": true}}}`},
			ErrInvalidRelation, []string{`relation "imageable"`, `does not take "model"`}},
		{"polymorphic hasMany without model", []string{`{"name": "E", "relations": {"pictures": {"type": "hasMany", "polymorphic": "imageable"}}}`},
			ErrInvalidRelation, []string{`relation "pictures"`, `needs "model"`}},
		{"polymorphic hasMany true", []string{`{"name": "E", "relations": {"pictures": {"type": "hasMany", "model": "P", "polymorphic": true}}}`, `{"name": "P"}`},
			ErrInvalidRelation, []string{`relation "pictures"`, "needs a selector name"}},
		{"polymorphic foreignKey without discriminator", []string{`{"name": "P", "relations": {"o": {"type": "belongsTo", "polymorphic": {"foreignKey": "oId"}}}}`},
			ErrInvalidRelation, []string{`relation "o"`, "needs polymorphic.discriminator"}},
		{"polymorphic discriminator without foreignKey", []string{`{"name": "P", "relations": {"o": {"type": "belongsTo", "polymorphic": {"discriminator": "oType"}}}}`},
			ErrInvalidRelation, []string{"needs polymorphic.foreignKey"}},
		{"polymorphic as with foreignKey", []string{`{"name": "P", "relations": {"o": {"type": "belongsTo", "polymorphic": {"as": "x", "foreignKey": "oId", "discriminator": "oType"}}}}`},
			ErrInvalidRelation, []string{"cannot be combined"}},
		{"polymorphic bad value", []string{`{"name": "P", "relations": {"o": {"type": "belongsTo", "polymorphic": 3}}}`},
			ErrInvalidRelation, []string{`"polymorphic" must be`}},
		{"polymorphic idType", []string{`{"name": "P", "relations": {"o": {"type": "belongsTo", "polymorphic": {"foreignKey": "k", "discriminator": "d", "idType": "Thing"}}}}`},
			ErrInvalidRelation, []string{`polymorphic.idType "Thing"`}},
		{"habtm polymorphic without through", []string{`{"name": "A", "relations": {"bs": {"type": "hasAndBelongsToMany", "model": "B", "polymorphic": "x"}}}`, `{"name": "B"}`},
			ErrInvalidRelation, []string{`relation "bs"`, "need a through model"}},
		{"unknown type", []string{`{"name": "A", "relations": {"b": {"type": "hasSome", "model": "A"}}}`},
			ErrInvalidRelation, []string{`model "A"`, `relation "b"`, `unknown relation type "hasSome"`}},
		{"no type", []string{`{"name": "A", "relations": {"b": {"model": "A"}}}`},
			ErrInvalidRelation, []string{`relation "b"`, `no "type"`}},
		{"type not a string", []string{`{"name": "A", "relations": {"b": {"type": 1, "model": "A"}}}`},
			ErrInvalidRelation, []string{`"type" must be a string`}},
		{"trigger", []string{`{"name": "A", "relations": {"trigger": {"type": "hasMany", "model": "A"}}}`},
			ErrInvalidRelation, []string{`relation "trigger"`, "not a valid relation name"}},
		{"undefined through", []string{`{"name": "A", "relations": {"bs": {"type": "hasMany", "model": "B", "through": "AB"}}}`, `{"name": "B"}`},
			ErrUndefinedModel, []string{`model "A"`, `relation "bs"`, `through model "AB" is not defined`}},
		{"through on belongsTo", []string{`{"name": "A", "relations": {"b": {"type": "belongsTo", "model": "A", "through": "A"}}}`},
			ErrInvalidRelation, []string{`"through" is only valid`}},
		{"self habtm keys collide", []string{`{"name": "Product", "relations": {"related": {"type": "hasAndBelongsToMany", "model": "Product"}}}`},
			ErrInvalidRelation, []string{`relation "related"`, `foreignKey and keyThrough are both "productId"`}},
		{"bad onDelete", []string{`{"name": "A", "relations": {"bs": {"type": "hasMany", "model": "A", "onDelete": "explode"}}}`},
			ErrInvalidRelation, []string{`relation "bs"`, `onDelete "explode"`}},
		{"bad integrity", []string{`{"name": "A", "relations": {"b": {"type": "belongsTo", "model": "A", "integrity": "loose"}}}`},
			ErrInvalidRelation, []string{`integrity "loose"`}},
		{"onDelete on embeds", []string{`{"name": "A", "relations": {"b": {"type": "embedsOne", "model": "B", "onDelete": "cascade"}}}`, `{"name": "B", "base": "Model"}`},
			ErrInvalidRelation, []string{"do not apply to embedded relations"}},
		{"keyFrom disagrees", []string{`{"name": "A", "relations": {"b": {"type": "belongsTo", "model": "A", "foreignKey": "x", "keyFrom": "y"}}}`},
			ErrInvalidRelation, []string{`"foreignKey" ("x") and "keyFrom" ("y") disagree`}},
		{"primaryKey not a property", []string{`{"name": "A", "relations": {"b": {"type": "belongsTo", "model": "B", "primaryKey": "code"}}}`, `{"name": "B"}`},
			ErrInvalidRelation, []string{`primaryKey "code" is not a property of model "B"`}},
		{"target without id", []string{`{"name": "A", "relations": {"b": {"type": "belongsTo", "model": "B"}}}`, `{"name": "B", "base": "Model", "idInjection": false}`},
			ErrInvalidRelation, []string{`model "B" has no id`}},
		{"through keyTo is not the target id", []string{`{"name": "A", "relations": {"bs": {"type": "hasMany", "model": "B", "through": "AB", "keyTo": "code"}}}`, `{"name": "B"}`, `{"name": "AB"}`},
			ErrInvalidRelation, []string{`keyTo "code"`}},
		{"foreignKey not a string", []string{`{"name": "A", "relations": {"b": {"type": "belongsTo", "model": "A", "foreignKey": 1}}}`},
			ErrInvalidRelation, []string{`"foreignKey" must be a string`}},
		{"foreignKey with a dot", []string{`{"name": "A", "relations": {"b": {"type": "belongsTo", "model": "A", "foreignKey": "x.y"}}}`},
			ErrInvalidRelation, []string{`key "x.y"`, "dot"}},
		{"scope not an object", []string{`{"name": "A", "relations": {"b": {"type": "belongsTo", "model": "A", "scope": []}}}`},
			ErrInvalidRelation, []string{`"scope" must be an object`}},
		{"properties bad", []string{`{"name": "A", "relations": {"b": {"type": "belongsTo", "model": "A", "properties": {"x": 1}}}}`},
			ErrInvalidRelation, []string{`"properties" must map`}},
		{"options bad", []string{`{"name": "A", "relations": {"b": {"type": "belongsTo", "model": "A", "options": {"nestRemoting": "yes"}}}}`},
			ErrInvalidRelation, []string{`"nestRemoting" must be true or false`}},
		{"through object without model", []string{`{"name": "A", "relations": {"bs": {"type": "hasMany", "model": "A", "through": {"keyFrom": "x"}}}}`},
			ErrInvalidRelation, []string{`"through" needs a "model"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := loadDocs(t, tt.docs...)
			wantErr(t, err, tt.sentinel, tt.fragments...)
		})
	}
}

func TestForeignKeyTypes(t *testing.T) {
	tests := []struct {
		name      string
		docs      []string
		holder    string
		prop      string
		want      Type
		fragments []string // non-empty: an ErrKeyType error is expected
	}{
		{"declared string reset to number id", []string{`{"name": "Order", "properties": {"customerId": {"type": "string", "required": true, "index": true}}, "relations": {"customer": {"type": "belongsTo", "model": "Customer"}}}`, `{"name": "Customer"}`},
			"Order", "customerId", Type{Kind: KindNumber}, nil},
		{"declared any reset", []string{`{"name": "Order", "properties": {"customerId": "any"}, "relations": {"customer": {"type": "belongsTo", "model": "Customer"}}}`, `{"name": "Customer"}`},
			"Order", "customerId", Type{Kind: KindNumber}, nil},
		{"declared number kept", []string{`{"name": "Order", "properties": {"customerId": "number"}, "relations": {"customer": {"type": "belongsTo", "model": "Customer"}}}`, `{"name": "Customer"}`},
			"Order", "customerId", Type{Kind: KindNumber}, nil},
		{"hasMany FK on target reset", []string{`{"name": "Customer", "relations": {"orders": {"type": "hasMany", "model": "Order"}}}`, `{"name": "Order", "properties": {"customerId": "String"}}`},
			"Order", "customerId", Type{Kind: KindNumber}, nil},
		{"boolean refused", []string{`{"name": "Order", "properties": {"customerId": "boolean"}, "relations": {"customer": {"type": "belongsTo", "model": "Customer"}}}`, `{"name": "Customer"}`},
			"", "", Type{}, []string{`model "Order"`, `relation "customer"`, `foreign key "Order.customerId" is declared boolean`, `"Customer.id" (number)`}},
		{"number for a string id refused", []string{`{"name": "Post", "properties": {"tagId": "number"}, "relations": {"tag": {"type": "belongsTo", "model": "Tag"}}}`,
			`{"name": "Tag", "idInjection": false, "properties": {"slug": {"type": "string", "id": true}}}`},
			"", "", Type{}, []string{`foreign key "Post.tagId" is declared number`, `"Tag.slug" (string)`}},
		{"hasMany FK on target refused", []string{`{"name": "Customer", "relations": {"orders": {"type": "hasMany", "model": "Order"}}}`, `{"name": "Order", "properties": {"customerId": "date"}}`},
			"", "", Type{}, []string{`model "Customer"`, `relation "orders"`, `"Order.customerId" is declared date`}},
		{"through key refused", []string{`{"name": "A", "relations": {"bs": {"type": "hasMany", "model": "B", "through": "AB"}}}`, `{"name": "B"}`, `{"name": "AB", "properties": {"bId": ["number"]}}`},
			"", "", Type{}, []string{`"AB.bId" is declared [number]`}},
		{"referencesMany declared array reset", []string{`{"name": "C", "properties": {"productIds": ["string"]}, "relations": {"favs": {"type": "referencesMany", "model": "Product"}}}`, `{"name": "Product"}`},
			"C", "productIds", Type{Kind: KindArray, Item: &Type{Kind: KindNumber}}, []string(nil)},
		{"referencesMany declared scalar refused", []string{`{"name": "C", "properties": {"productIds": "number"}, "relations": {"favs": {"type": "referencesMany", "model": "Product"}}}`, `{"name": "Product"}`},
			"", "", Type{}, []string{`"C.productIds" is declared number`, "array"}},
		{"embeds property refused", []string{`{"name": "C", "properties": {"address": "string"}, "relations": {"billing": {"type": "embedsOne", "model": "Address"}}}`, `{"name": "Address", "base": "Model"}`},
			"", "", Type{}, []string{`property "C.address" is declared string`, `"Address"`}},
		{"embeds declared object becomes the model", []string{`{"name": "C", "properties": {"address": "object"}, "relations": {"billing": {"type": "embedsOne", "model": "Address"}}}`, `{"name": "Address", "base": "Model"}`},
			"C", "address", Type{Kind: KindModel, Model: "Address"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, _, err := loadDocs(t, tt.docs...)
			if len(tt.fragments) > 0 {
				wantErr(t, err, ErrKeyType, tt.fragments...)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			p := set.Model(tt.holder).Property(tt.prop)
			if !reflect.DeepEqual(p.Type, tt.want) {
				t.Errorf("%s.%s type = %s, want %s", tt.holder, tt.prop, typeString(p.Type), typeString(tt.want))
			}
		})
	}
}

func TestDeclaredForeignKeyKeepsOptions(t *testing.T) {
	set := mustLoad(t,
		`{"name": "Order", "properties": {"customerId": {"type": "string", "required": true, "index": true}}, "relations": {"customer": {"type": "belongsTo", "model": "Customer"}}}`,
		`{"name": "Customer"}`)
	m := set.Model("Order")
	p := m.Property("customerId")
	if !p.Required || !p.Index {
		t.Errorf("customerId = %+v, want required and index kept", p)
	}
	if want := []*Index{{Name: "customerId_idx", Fields: []string{"customerId"}}}; !reflect.DeepEqual(m.Indexes, want) {
		t.Errorf("indexes = %s, want only the declared one", indexesString(m.Indexes))
	}
}

func TestRelationDefaultValues(t *testing.T) {
	set := mustLoad(t,
		`{"name": "C", "relations": {
			"favs": {"type": "referencesMany", "model": "P"},
			"one": {"type": "embedsOne", "model": "A", "property": "a1", "default": true},
			"two": {"type": "embedsOne", "model": "A", "property": "a2", "default": {"x": 1}},
			"three": {"type": "embedsOne", "model": "A", "property": "a3"},
			"many": {"type": "embedsMany", "model": "A", "property": "as1"},
			"many2": {"type": "embedsMany", "model": "A", "property": "as2", "options": {"omitDefaultEmbeddedItem": true}}}}`,
		`{"name": "P"}`, `{"name": "A", "base": "Model"}`)
	m := set.Model("C")
	tests := []struct {
		prop string
		want any
	}{
		{"pIds", []any{}},
		{"a1", map[string]any{}},
		{"a2", map[string]any{"x": float64(1)}},
		{"a3", nil},
		{"as1", []any{}},
		{"as2", nil},
	}
	for _, tt := range tests {
		p := m.Property(tt.prop)
		if p == nil {
			t.Fatalf("property %s missing; have %v", tt.prop, m.DeclaredNames())
		}
		if got := p.Default; !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s default = %#v, want %#v", tt.prop, got, tt.want)
		}
	}
	if got := m.Relation("many2").Options; !reflect.DeepEqual(got, map[string]any{"omitDefaultEmbeddedItem": true}) {
		t.Errorf("many2 options = %v", got)
	}
}

func TestRelationIndexes(t *testing.T) {
	set := mustLoad(t,
		`{"name": "Customer", "relations": {"orders": {"type": "hasMany", "model": "Order"}, "profile": {"type": "hasOne", "model": "Profile"}}}`,
		`{"name": "Order", "relations": {"customer": {"type": "belongsTo", "model": "Customer"}}}`,
		`{"name": "Profile", "indexes": {"by_customer": {"keys": {"customerId": 1, "kind": 1}}}}`,
		`{"name": "Physician", "relations": {"patients": {"type": "hasMany", "model": "Patient", "through": "Appointment"}, "appointments": {"type": "hasMany", "model": "Appointment"}}}`,
		`{"name": "Patient", "relations": {"physicians": {"type": "hasMany", "model": "Physician", "through": "Appointment"}}}`,
		`{"name": "Appointment", "relations": {"physician": {"type": "belongsTo", "model": "Physician"}, "patient": {"type": "belongsTo", "model": "Patient"}}}`)
	tests := []struct {
		model string
		want  []*Index
	}{
		{"Customer", nil},
		{"Order", []*Index{{Name: "fk_customerId", Fields: []string{"customerId"}}}},
		{"Profile", []*Index{{Name: "by_customer", Fields: []string{"customerId", "kind"}}}},
		{"Appointment", []*Index{
			{Name: "through_physicianId_patientId", Fields: []string{"physicianId", "patientId"}},
			{Name: "through_patientId_physicianId", Fields: []string{"patientId", "physicianId"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.model, func(t *testing.T) {
			if got := set.Model(tt.model).Indexes; !reflect.DeepEqual(got, tt.want) {
				t.Errorf("indexes = %s, want %s", indexesString(got), indexesString(tt.want))
			}
		})
	}
}

func TestRelationOptions(t *testing.T) {
	set, warns, err := loadDocs(t,
		`{"name": "Customer", "relations": {"orders": {"type": "hasMany", "model": "Order",
			"scope": {"where": {"open": true}, "order": "date DESC"},
			"properties": {"name": "customerName"},
			"options": {"invertProperties": true, "disableInclude": true, "nestRemoting": true,
			            "http": {"path": "/purchases"}, "validate": false},
			"onDelete": "SetNull", "integrity": "Weak", "invert": true,
			"methods": {"x": {}}, "colour": "blue", "description": "ignored", "as": "ignored"},
		  "first": {"type": "hasOne", "model": "Order", "foreignKey": "firstOf", "properties": ["name"],
			"options": {"onDelete": "cascade"}}}}`,
		`{"name": "Order"}`)
	if err != nil {
		t.Fatal(err)
	}
	r := set.Model("Customer").Relation("orders")
	want := &Relation{
		Name: "orders", Type: RelHasMany, Model: "Order", ForeignKey: "customerId", PrimaryKey: "id",
		Invert: true, Scope: map[string]any{"where": map[string]any{"open": true}, "order": "date DESC"},
		Properties: map[string]string{"name": "customerName"}, InvertProperties: true, DisableInclude: true,
		NestRemoting: true, HTTPPath: "purchases", OnDelete: "setNull", Integrity: "weak",
		Options: map[string]any{"validate": false},
	}
	if !reflect.DeepEqual(r, want) {
		t.Errorf("relation\n got %+v\nwant %+v", *r, *want)
	}
	first := set.Model("Customer").Relation("first")
	if first.OnDelete != "cascade" || !reflect.DeepEqual(first.Properties, map[string]string{"name": "name"}) || first.Options != nil {
		t.Errorf("first = %+v", *first)
	}
	wantWarn := []warning{
		{"Customer", `relation "orders": unknown key "colour" ignored`},
		{"Customer", `relation "orders": key "methods" is not supported; ignored`},
	}
	if !reflect.DeepEqual(warns, wantWarn) {
		t.Errorf("warnings = %q, want %q", warns, wantWarn)
	}
}

func TestRelationRemovedInChild(t *testing.T) {
	set := mustLoad(t,
		`{"name": "Base", "relations": {"owner": {"type": "belongsTo", "model": "Base"}}}`,
		`{"name": "Child", "base": "Base", "relations": {"owner": false}}`)
	if n := len(set.Model("Child").Relations); n != 0 {
		t.Errorf("Child has %d relations, want 0", n)
	}
}

func TestSymmetricHABTMShareThrough(t *testing.T) {
	set := mustLoad(t,
		`{"name": "Product", "relations": {"categories": {"type": "hasAndBelongsToMany", "model": "Category"}}}`,
		`{"name": "Category", "relations": {"products": {"type": "hasAndBelongsToMany", "model": "Product"}}}`)
	if want := []string{"Product", "Category", "ProductCategory"}; !reflect.DeepEqual(set.Order, want) {
		t.Fatalf("Order = %v, want %v (one shared through model)", set.Order, want)
	}
	r := set.Model("Category").Relation("products")
	if r.Through != "ProductCategory" || r.ForeignKey != "categoryId" || r.KeyThrough != "productId" {
		t.Errorf("Category.products = %+v", *r)
	}
	th := set.Model("ProductCategory")
	if got, want := th.DeclaredNames(), []string{"id", "productId", "categoryId"}; !reflect.DeepEqual(got, want) {
		t.Errorf("through properties = %v, want %v", got, want)
	}
	if n := len(th.Relations); n != 2 {
		t.Errorf("through has %d relations, want 2", n)
	}
	wantIdx := []*Index{
		{Name: "through_productId_categoryId", Fields: []string{"productId", "categoryId"}},
		{Name: "through_categoryId_productId", Fields: []string{"categoryId", "productId"}},
	}
	if !reflect.DeepEqual(th.Indexes, wantIdx) {
		t.Errorf("through indexes = %s", indexesString(th.Indexes))
	}
}

func TestRelationToNonPersistedTargetWarns(t *testing.T) {
	_, warns, err := loadDocs(t,
		`{"name": "C", "relations": {"notes": {"type": "hasMany", "model": "Note"}, "note": {"type": "embedsOne", "model": "Note"}}}`,
		`{"name": "Note", "base": "Model"}`)
	if err != nil {
		t.Fatal(err)
	}
	want := []warning{{"C", `relation "notes": target model "Note" is not persisted; only embedsOne/embedsMany can store it`}}
	if !reflect.DeepEqual(warns, want) {
		t.Errorf("warnings = %q, want %q", warns, want)
	}
}
