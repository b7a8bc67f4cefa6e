package schema

import "testing"

func TestPluralizeRequiredCases(t *testing.T) {
	tests := []struct{ word, want string }{
		{"Person", "People"},
		{"Stadium", "Stadia"},
		{"inventory", "inventories"},
		{"Customer", "Customers"},
		{"Physician", "Physicians"},
		{"Appointment", "Appointments"},
		{"Category", "Categories"},
		{"Address", "Addresses"},
		{"Bus", "Buses"},
		{"Status", "Statuses"},
	}
	for _, tt := range tests {
		t.Run(tt.word, func(t *testing.T) {
			if got := Pluralize(tt.word); got != tt.want {
				t.Errorf("Pluralize(%q) = %q, want %q", tt.word, got, tt.want)
			}
		})
	}
}

// TestPluralizeMatchesInflection checks Pluralize against answers recorded
// from the npm package inflection 1.13.4 (the version LoopBack 3 resolves),
// computed with node: words.map(w => inflection.pluralize(w)).
func TestPluralizeMatchesInflection(t *testing.T) {
	tests := []struct{ word, want string }{
		{"Person", "People"},
		{"person", "people"},
		{"Salesperson", "Salespeople"},
		{"PERSON", "PEople"},
		{"Stadium", "Stadia"},
		{"stadium", "stadia"},
		{"Medium", "Media"},
		{"inventory", "inventories"},
		{"Inventory", "Inventories"},
		{"Customer", "Customers"},
		{"Physician", "Physicians"},
		{"Appointment", "Appointments"},
		{"Category", "Categories"},
		{"Address", "Addresses"},
		{"Bus", "Buses"},
		{"bus", "buses"},
		{"Status", "Statuses"},
		{"Man", "Men"},
		{"Woman", "Women"},
		{"Human", "Humans"},
		{"Salesman", "Salesmans"},
		{"Child", "Children"},
		{"Ox", "Oxen"},
		{"Box", "Boxes"},
		{"Octopus", "Octopuses"},
		{"Virus", "Viruses"},
		{"Alias", "Aliases"},
		{"Buffalo", "Buffaloes"},
		{"Tomato", "Tomatoes"},
		{"Potato", "Potatoes"},
		{"Hero", "Heros"},
		{"Analysis", "Analyses"},
		{"Basis", "Bases"},
		{"Wife", "Wives"},
		{"Knife", "Knives"},
		{"Half", "Halves"},
		{"Wolf", "Wolves"},
		{"Safe", "Saves"},
		{"Hive", "Hives"},
		{"Archive", "Archives"},
		{"Query", "Queries"},
		{"Day", "Days"},
		{"Key", "Keys"},
		{"Church", "Churches"},
		{"Class", "Classes"},
		{"Dish", "Dishes"},
		{"Matrix", "Matrices"},
		{"Vertex", "Vertices"},
		{"Index", "Indices"},
		{"Mouse", "Mice"},
		{"Louse", "Lice"},
		{"Quiz", "Quizzes"},
		{"Sheep", "Sheep"},
		{"Fish", "Fishes"},
		{"Deer", "Deer"},
		{"Moose", "Mooses"},
		{"Equipment", "Equipment"},
		{"Information", "Information"},
		{"Rice", "Rice"},
		{"Money", "Money"},
		{"Species", "Species"},
		{"Series", "Series"},
		{"News", "News"},
		{"Foot", "feet"},
		{"Tooth", "teeth"},
		{"Goose", "geese"},
		{"Criterion", "Criteria"},
		{"Genus", "genera"},
		{"Whereas", "Whereases"},
		{"Bonus", "Bonuses"},
		{"Campus", "Campuses"},
		{"Canvas", "Canvases"},
		{"Summons", "Summonses"},
		{"Drive", "Drives"},
		{"Database", "Databases"},
		{"People", "People"},
		{"Children", "Children"},
		{"Men", "Men"},
		{"Data", "Data"},
		{"Movies", "Movies"},
		{"Shoes", "Shoes"},
		{"Order", "Orders"},
		{"Review", "Reviews"},
		{"Book", "Books"},
		{"Tag", "Tags"},
		{"Ticket", "Tickets"},
		{"Login", "Logins"},
		{"Supplier", "Suppliers"},
		{"Account", "Accounts"},
		{"Member", "Members"},
		{"Post", "Posts"},
		{"Passport", "Passports"},
		{"location", "locations"},
		{"product", "products"},
		{"Patient", "Patients"},
		{"Profile", "Profiles"},
		{"Picture", "Pictures"},
		{"Employee", "Employees"},
		{"Item", "Items"},
		{"Movie", "Movies"},
		{"Software", "Software"},
		{"Food", "Food"},
		{"Process", "Processes"},
		{"Access", "Accesses"},
		{"Business", "Businesses"},
		{"Axis", "Axes"},
		{"Testis", "Testes"},
		{"Crisis", "Crises"},
		{"Photo", "Photos"},
		{"Zoo", "Zoos"},
		{"Glass", "Glasses"},
		{"Toy", "Toys"},
		{"Guy", "Guys"},
		{"Story", "Stories"},
		{"Leaf", "Leafs"},
		{"Life", "Lives"},
		{"Thief", "Thiefs"},
		{"Roof", "Roofs"},
		{"Belief", "Beliefs"},
		{"Chief", "Chiefs"},
		{"Cafe", "Caves"},
		{"Proof", "Proofs"},
		{"Ax", "Axes"},
		{"Mix", "Mixes"},
		{"Fox", "Foxes"},
		{"Tax", "Taxes"},
		{"Quantity", "Quantities"},
		{"Cherry", "Cherries"},
		{"City", "Cities"},
		{"Entry", "Entries"},
		{"Activity", "Activities"},
		{"Addresses", "Addresses"},
		{"Statuses", "Statuses"},
		{"Buses", "Buses"},
		{"Categories", "Categories"},
		{"Orders", "Orders"},
		{"ProductCategory", "ProductCategories"},
		{"OrderItem", "OrderItems"},
		{"Order_item", "Order_items"},
		{"Customer_address", "Customer_addresses"},
		{"Tags", "Tags"},
		{"Appointments", "Appointments"},
		{"Physicians", "Physicians"},
		{"Stadia", "Stadia"},
	}
	for _, tt := range tests {
		t.Run(tt.word, func(t *testing.T) {
			if got := Pluralize(tt.word); got != tt.want {
				t.Errorf("Pluralize(%q) = %q, want %q", tt.word, got, tt.want)
			}
		})
	}
}

func TestPluralizeUncountableIsCaseInsensitive(t *testing.T) {
	for _, w := range []string{"sheep", "Sheep", "SHEEP", "news", "Equipment", "rice", "Money", "species", "Series", "information"} {
		if got := Pluralize(w); got != w {
			t.Errorf("Pluralize(%q) = %q, want it unchanged", w, got)
		}
	}
}

func TestCamelize(t *testing.T) {
	tests := []struct {
		in         string
		lowerFirst bool
		want       string
	}{
		{"Customer_id", true, "customerId"},
		{"Physician_id", true, "physicianId"},
		{"location_id", true, "locationId"},
		{"OrderItem_id", true, "orderItemId"},
		{"order_item_id", true, "orderItemId"},
		{"Product_ids", true, "productIds"},
		{"imageable_type", true, "imageableType"},
		{"Customer_ADDRESS_id", true, "customerAddressId"},
		{"message_properties", false, "MessageProperties"},
		{"Customer", true, "customer"},
		{"emailAddresses", true, "emailAddresses"},
		{"a__b", true, "aB"},
		{"Émile_id", true, "émileId"},
		{"", true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := camelize(tt.in, tt.lowerFirst); got != tt.want {
				t.Errorf("camelize(%q, %v) = %q, want %q", tt.in, tt.lowerFirst, got, tt.want)
			}
		})
	}
}
