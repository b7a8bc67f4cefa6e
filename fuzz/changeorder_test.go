package fuzz

import (
	"fmt"
	"sync"
	"testing"
)

// TestChangeStreamCommitOrder: DB.Subscribe promises the committed changes
// "in commit order". Concurrent writers create Reviews, whose generated ids
// follow commit order (the id counter advances under the writer lock), so
// a subscriber must see the ids strictly increasing. (Commits used to
// publish after releasing the writer lock and in any order.)
func TestChangeStreamCommitOrder(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			db := openDB(t, b.open(t), nil, libraryModels...)
			ch, stop := db.Subscribe("Review")
			var got []float64
			done := make(chan struct{})
			go func() {
				defer close(done)
				for c := range ch {
					got = append(got, c.Target.(float64))
				}
			}()
			const writers, each = 4, 50
			var wg sync.WaitGroup
			for w := 0; w < writers; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; i < each; i++ {
						if _, err := db.Create(bg, "Review", map[string]any{"stars": 1.0}); err != nil {
							t.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			stop()
			<-done
			if len(got) != writers*each {
				t.Fatalf("%d changes, want %d", len(got), writers*each)
			}
			for i := 1; i < len(got); i++ {
				if got[i] <= got[i-1] {
					t.Fatalf("change %d (id %v) delivered after id %v: not in commit order (%v)", i, got[i], got[i-1], fmt.Sprint(got[max(0, i-5):min(len(got), i+5)]))
				}
			}
			mustCheck(t, db)
		})
	}
}
