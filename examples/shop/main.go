// Command shop is relstore's example program: a small shop of customers,
// orders, order items and tags (linked to orders through the join model
// OrderTag), defined from Go structs and used through typed repositories,
// relation accessors and a transaction.
//
//	go run ./examples/shop               # in memory
//	go run ./examples/shop -data DIR     # in a Pebble store in DIR
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"

	"github.com/relstore/relstore"
)

// Customer places orders.
type Customer struct {
	_      relstore.Model `relstore:"name=Customer,plural=Customers"`
	ID     int            `json:"id" relstore:"id,generated"`
	Name   string         `json:"name" relstore:"required,minLength=2"`
	Email  string         `json:"email" relstore:"required,unique,format=email"`
	VIP    bool           `json:"vip"`
	Orders []Order        `json:"orders,omitempty" relstore:"hasMany,keyTo=customerId,onDelete=cascade"`
}

// Order belongs to a customer, has items, and is tagged through OrderTag.
type Order struct {
	ID         int       `json:"id" relstore:"id,generated"`
	CustomerID int       `json:"customerId" relstore:"belongsTo=Customer,integrity=strict"`
	Status     string    `json:"status" relstore:"default=open,enum=open|paid|shipped"`
	Customer   *Customer `json:"customer,omitempty"`
	Items      []Item    `json:"items,omitempty" relstore:"hasMany,keyTo=orderId,onDelete=cascade"`
	Tags       []Tag     `json:"tags,omitempty" relstore:"hasMany,through=OrderTag,keyFrom=orderId,keyTo=tagId,onDelete=cascade"`
}

// Item is one line of an order.
type Item struct {
	ID      int     `json:"id" relstore:"id,generated"`
	OrderID int     `json:"orderId" relstore:"belongsTo=Order,integrity=strict"`
	Product string  `json:"product" relstore:"required"`
	Price   float64 `json:"price" relstore:"minimum=0"`
	Qty     int     `json:"qty" relstore:"default=1,minimum=1"`
}

// Tag labels orders.
type Tag struct {
	ID   int    `json:"id" relstore:"id,generated"`
	Name string `json:"name" relstore:"required,unique"`
}

// OrderTag links an order to a tag.
type OrderTag struct {
	ID      int `json:"id" relstore:"id,generated"`
	OrderID int `json:"orderId" relstore:"belongsTo=Order"`
	TagID   int `json:"tagId" relstore:"belongsTo=Tag"`
}

// Shop holds the repositories, LB4 style: CRUD plus relation accessors.
type Shop struct {
	Customers *relstore.Repo[Customer]
	Orders    *relstore.Repo[Order]
	Items     *relstore.Repo[Item]
	Tags      *relstore.Repo[Tag]

	CustomerOrders relstore.HasManyFactory[Order]       // customers.Orders(ctx, id)
	OrderCustomer  relstore.BelongsToAccessor[Customer] // orders.Customer(ctx, id)
	OrderItems     relstore.HasManyFactory[Item]
	OrderTags      relstore.HasManyFactory[Tag]
}

// NewShop defines the models in db and returns their repositories.
func NewShop(db *relstore.DB) (*Shop, error) {
	for _, define := range []func(*relstore.DB) error{
		relstore.Define[Customer], relstore.Define[Order], relstore.Define[Item],
		relstore.Define[Tag], relstore.Define[OrderTag],
	} {
		if err := define(db); err != nil {
			return nil, err
		}
	}
	s := &Shop{
		Customers: relstore.NewRepo[Customer](db),
		Orders:    relstore.NewRepo[Order](db),
		Items:     relstore.NewRepo[Item](db),
		Tags:      relstore.NewRepo[Tag](db),
	}
	s.CustomerOrders = relstore.HasMany[Order](s.Customers, "orders")
	s.OrderCustomer = relstore.BelongsTo[Customer](s.Orders, "customer")
	s.OrderItems = relstore.HasMany[Item](s.Orders, "items")
	s.OrderTags = relstore.HasMany[Tag](s.Orders, "tags")
	return s, nil
}

func main() {
	data := flag.String("data", "", "keep the store in this directory (Pebble); default: in memory")
	flag.Parse()
	if err := run(context.Background(), os.Stdout, *data); err != nil {
		log.Fatal(err)
	}
}

// run opens the store, fills it and prints what the shop knows.
func run(ctx context.Context, w io.Writer, dir string) error {
	db, err := relstore.Open(dir, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	shop, err := NewShop(db)
	if err != nil {
		return err
	}
	// Start from an empty shop, also on disk.
	if _, err := shop.Customers.DeleteAll(ctx, nil); err != nil {
		return err
	}
	if _, err := shop.Tags.DeleteAll(ctx, nil); err != nil {
		return err
	}

	// One transaction: customers, orders with their items and tags. All of
	// it is stored, or none.
	var bobsOrder int
	err = db.Update(ctx, func(tx *relstore.Tx) error {
		ada := &Customer{Name: "Ada", Email: "ada@example.com", VIP: true}
		bob := &Customer{Name: "Bob", Email: "bob@example.com"}
		for _, c := range []*Customer{ada, bob} {
			if err := shop.Customers.Create(tx, c); err != nil {
				return err
			}
		}
		gift, rush := &Tag{Name: "gift"}, &Tag{Name: "rush"}
		for _, t := range []*Tag{gift, rush} {
			if err := shop.Tags.Create(tx, t); err != nil {
				return err
			}
		}
		for _, o := range []struct {
			customer int
			items    []Item
			tags     []int
		}{
			{ada.ID, []Item{{Product: "pen", Price: 2.5, Qty: 4}, {Product: "ink", Price: 7}}, []int{gift.ID}},
			{ada.ID, []Item{{Product: "paper", Price: 4}}, nil},
			{bob.ID, []Item{{Product: "desk", Price: 120}}, []int{gift.ID, rush.ID}},
		} {
			order := &Order{}
			if err := shop.CustomerOrders(tx, o.customer).Create(order); err != nil {
				return err
			}
			if o.customer == bob.ID {
				bobsOrder = order.ID
			}
			for i := range o.items {
				if err := shop.OrderItems(tx, order.ID).Create(&o.items[i]); err != nil {
					return err
				}
			}
			for _, tag := range o.tags {
				if err := shop.OrderTags(tx, order.ID).Link(tag); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}

	// Customers with their orders, items and tags, in one query.
	customers, err := shop.Customers.Find(ctx, relstore.Order("name").
		Include("orders", relstore.Order("id").Include("items").Include("tags")))
	if err != nil {
		return err
	}
	for _, c := range customers {
		fmt.Fprintf(w, "%s <%s>\n", c.Name, c.Email)
		for _, o := range c.Orders {
			total := 0.0
			for _, it := range o.Items {
				total += it.Price * float64(it.Qty)
			}
			var tags []string
			for _, t := range o.Tags {
				tags = append(tags, t.Name)
			}
			fmt.Fprintf(w, "  order %d (%s): %d items, total %.2f, tags %v\n", o.ID, o.Status, len(o.Items), total, tags)
		}
	}

	// Relation-path filters: orders of VIP customers; customers with a
	// tagged order.
	vipOrders, err := shop.Orders.Count(ctx, relstore.Where("customer.vip", relstore.Eq, true))
	if err != nil {
		return err
	}
	rushed, err := shop.Customers.Find(ctx, relstore.Where("orders", relstore.Some,
		relstore.Where("tags", relstore.Some, relstore.Where("name", relstore.Eq, "rush"))))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "orders of VIPs: %d; customers with a rush order: %s\n", vipOrders, rushed[0].Name)

	// Accessors: the customer of an order; Bob's orders, paid.
	owner, err := shop.OrderCustomer(ctx, bobsOrder)
	if err != nil {
		return err
	}
	paid, err := shop.CustomerOrders(ctx, owner.ID).Patch(map[string]any{"status": "paid"}, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "order %d belongs to %s; %d of their orders now paid\n", bobsOrder, owner.Name, paid)

	// The constrained repository refuses to move an order to another
	// customer, and strict foreign keys refuse dangling ones.
	_, err = shop.CustomerOrders(ctx, owner.ID).Patch(map[string]any{"customerId": customers[0].ID}, nil)
	fmt.Fprintf(w, "moving Bob's orders to Ada: %v\n", err)
	err = shop.Items.Create(ctx, &Item{OrderID: 999, Product: "ghost"})
	fmt.Fprintf(w, "an item of order 999: %v\n", err)

	// Deleting a customer cascades to its orders and their items.
	if err := shop.Customers.DeleteByID(ctx, owner.ID); err != nil {
		return err
	}
	orders, err := shop.Orders.Count(ctx, nil)
	if err != nil {
		return err
	}
	items, err := shop.Items.Count(ctx, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "after deleting %s: %d orders, %d items\n", owner.Name, orders, items)
	return nil
}
