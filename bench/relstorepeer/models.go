package relstorepeer

// Model names of the workload in relstore.
const (
	modelCustomer  = "Customer"
	modelOrder     = "Order"
	modelOrderItem = "OrderItem"
)

// Relation names (LB3) used by the ops.
const (
	relOrders   = "orders"   // Customer hasMany Order
	relCustomer = "customer" // Order belongsTo Customer
	relItems    = "items"    // Order hasMany OrderItem
)

// modelJSON holds the LB3 model definitions: explicit numeric ids (not
// generated) and the spec's four relations.
var modelJSON = []string{
	`{
	  "name": "Customer",
	  "properties": {
	    "id":   {"type": "number", "id": true},
	    "name": {"type": "string"},
	    "age":  {"type": "number"},
	    "city": {"type": "string"}
	  },
	  "relations": {
	    "orders": {"type": "hasMany", "model": "Order", "foreignKey": "customerId"}
	  }
	}`,
	`{
	  "name": "Order",
	  "properties": {
	    "id":         {"type": "number", "id": true},
	    "customerId": {"type": "number"},
	    "total":      {"type": "number"},
	    "status":     {"type": "string"},
	    "createdAt":  {"type": "date"}
	  },
	  "relations": {
	    "customer": {"type": "belongsTo", "model": "Customer", "foreignKey": "customerId"},
	    "items":    {"type": "hasMany", "model": "OrderItem", "foreignKey": "orderId"}
	  }
	}`,
	`{
	  "name": "OrderItem",
	  "properties": {
	    "id":      {"type": "number", "id": true},
	    "orderId": {"type": "number"},
	    "sku":     {"type": "string"},
	    "qty":     {"type": "number"}
	  },
	  "relations": {
	    "order": {"type": "belongsTo", "model": "Order", "foreignKey": "orderId"}
	  }
	}`,
}
