package workload

import (
	"fmt"
	"hash/fnv"
	"io"
	"strconv"
)

// Fingerprint returns the spec's FNV-1a 32-bit fingerprint of d, as 8
// lowercase hex digits. It hashes, each ending in '\n' and in this order:
// c|id|name|age|city per customer, o|id|customerId|cents|status|createdAtUnixMs
// per order, i|id|orderId|sku|qty per item, then q1|orderId, q2|customerId
// and q7|orderId|status per stream element.
func (d *Data) Fingerprint() string {
	h := fnv.New32a()
	d.writeCanonical(h)
	return fmt.Sprintf("%08x", h.Sum32())
}

// writeCanonical writes the fingerprinted lines to w.
func (d *Data) writeCanonical(w io.Writer) {
	buf := make([]byte, 0, 128)
	emit := func() {
		buf = append(buf, '\n')
		_, _ = w.Write(buf)
		buf = buf[:0]
	}
	num := func(v int64) { buf = strconv.AppendInt(buf, v, 10) }
	sep := func() { buf = append(buf, '|') }
	for i := range d.Customers {
		c := &d.Customers[i]
		buf = append(buf, "c|"...)
		num(c.ID)
		sep()
		buf = append(buf, c.Name...)
		sep()
		num(int64(c.Age))
		sep()
		buf = append(buf, c.City...)
		emit()
	}
	for i := range d.Orders {
		o := &d.Orders[i]
		buf = append(buf, "o|"...)
		num(o.ID)
		sep()
		num(o.CustomerID)
		sep()
		num(o.Cents)
		sep()
		buf = append(buf, o.Status...)
		sep()
		num(o.CreatedAtMs)
		emit()
	}
	for i := range d.Items {
		it := &d.Items[i]
		buf = append(buf, "i|"...)
		num(it.ID)
		sep()
		num(it.OrderID)
		sep()
		buf = append(buf, it.SKU...)
		sep()
		num(int64(it.Qty))
		emit()
	}
	for _, id := range d.Q1 {
		buf = append(buf, "q1|"...)
		num(id)
		emit()
	}
	for _, id := range d.Q2 {
		buf = append(buf, "q2|"...)
		num(id)
		emit()
	}
	for _, u := range d.Q7 {
		buf = append(buf, "q7|"...)
		num(u.OrderID)
		sep()
		buf = append(buf, u.Status...)
		emit()
	}
}
