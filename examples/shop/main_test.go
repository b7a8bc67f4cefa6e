package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func Example() {
	if err := run(context.Background(), os.Stdout, ""); err != nil {
		panic(err)
	}
	// Output:
	// Ada <ada@example.com>
	//   order 1 (open): 2 items, total 17.00, tags [gift]
	//   order 2 (open): 1 items, total 4.00, tags []
	// Bob <bob@example.com>
	//   order 3 (open): 1 items, total 120.00, tags [gift rush]
	// orders of VIPs: 2; customers with a rush order: Bob
	// order 3 belongs to Bob; 1 of their orders now paid
	// moving Bob's orders to Ada: Property "customerId" cannot be changed: it relates the Order to Customer 2
	// an item of order 999: Item.orderId = 999 refers to a Order that does not exist (relation "order" is strict)
	// after deleting Bob: 2 orders, 3 items
}

// The program runs on Pebble too, and again on the same store.
func TestRun_Pebble(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "shop")
	for i := 0; i < 2; i++ {
		var b strings.Builder
		if err := run(context.Background(), &b, dir); err != nil {
			t.Fatalf("run %d: %v", i+1, err)
		}
		if !strings.Contains(b.String(), "after deleting Bob: 2 orders, 3 items") {
			t.Fatalf("run %d printed:\n%s", i+1, b.String())
		}
	}
}
