package relstore_test

import (
	"time"

	"github.com/relstore/relstore"
)

// The shop models the tests share: customers with an embedded address,
// orders with items, and tags linked to orders through OrderTag.

type Customer struct {
	_         relstore.Model `relstore:"name=Customer,plural=Customers"`
	ID        int            `json:"id" relstore:"id,generated"`
	Name      string         `json:"name" relstore:"required,minLength=2"`
	Email     string         `json:"email,omitempty" relstore:"unique,format=email"`
	VIP       *bool          `json:"vip" relstore:"default=false"`
	Age       int            `json:"age,omitempty" relstore:"index,minimum=0"`
	Password  string         `json:"password,omitempty" relstore:"hidden"`
	CreatedAt time.Time      `json:"createdAt" relstore:"defaultFn=now"`
	Address   *Address       `json:"address,omitempty"`
	Nicknames []string       `json:"nicknames,omitempty"`
	Orders    []Order        `json:"orders,omitempty" relstore:"hasMany,keyTo=customerId,onDelete=cascade"`
}

type Address struct {
	Street string `json:"street"`
	City   string `json:"city" relstore:"required"`
}

type Order struct {
	ID         int       `json:"id" relstore:"id,generated"`
	CustomerID int       `json:"customerId" relstore:"belongsTo=Customer"`
	Total      float64   `json:"total"`
	Status     string    `json:"status" relstore:"default=open,enum=open|paid|shipped"`
	Customer   *Customer `json:"customer,omitempty"`
	Items      []Item    `json:"items,omitempty" relstore:"hasMany,keyTo=orderId,onDelete=cascade"`
	Tags       []Tag     `json:"tags,omitempty" relstore:"hasMany,through=OrderTag,keyFrom=orderId,keyTo=tagId"`
}

type Item struct {
	ID      int    `json:"id" relstore:"id,generated"`
	OrderID int    `json:"orderId" relstore:"belongsTo=Order,integrity=strict"`
	Product string `json:"product" relstore:"required"`
	Qty     int    `json:"qty" relstore:"default=1"`
}

type Tag struct {
	ID   int    `json:"id" relstore:"id,generated"`
	Name string `json:"name" relstore:"required,unique"`
}

type OrderTag struct {
	ID      int `json:"id" relstore:"id,generated"`
	OrderID int `json:"orderId" relstore:"belongsTo=Order"`
	TagID   int `json:"tagId" relstore:"belongsTo=Tag"`
}
