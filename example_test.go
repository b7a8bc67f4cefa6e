package relstore_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/relstore/relstore"
)

// The models of the examples: authors write books; books have genres
// through the join model BookGenre.

type Author struct {
	ID    int    `json:"id" relstore:"id,generated"`
	Name  string `json:"name" relstore:"required"`
	Books []Book `json:"books,omitempty" relstore:"hasMany,keyTo=authorId"`
}

type Book struct {
	ID       int     `json:"id" relstore:"id,generated"`
	AuthorID int     `json:"authorId" relstore:"belongsTo=Author"`
	Title    string  `json:"title" relstore:"required,minLength=1"`
	Year     int     `json:"year,omitempty" relstore:"index"`
	Author   *Author `json:"author,omitempty"`
	Genres   []Genre `json:"genres,omitempty" relstore:"hasMany,through=BookGenre,keyFrom=bookId,keyTo=genreId"`
}

type Genre struct {
	ID   int    `json:"id" relstore:"id,generated"`
	Name string `json:"name" relstore:"required,unique"`
}

type BookGenre struct {
	ID      int `json:"id" relstore:"id,generated"`
	BookID  int `json:"bookId" relstore:"belongsTo=Book"`
	GenreID int `json:"genreId" relstore:"belongsTo=Genre"`
}

// library opens a memory store with the example models and a few records.
func library() (*relstore.DB, *relstore.Repo[Author], *relstore.Repo[Book]) {
	db, err := relstore.Open("", nil)
	if err != nil {
		log.Fatal(err)
	}
	for _, define := range []func(*relstore.DB) error{
		relstore.Define[Author], relstore.Define[Book], relstore.Define[Genre], relstore.Define[BookGenre],
	} {
		if err := define(db); err != nil {
			log.Fatal(err)
		}
	}
	ctx := context.Background()
	authors, books := relstore.NewRepo[Author](db), relstore.NewRepo[Book](db)
	ursula, terry := &Author{Name: "Ursula"}, &Author{Name: "Terry"}
	must(authors.Create(ctx, ursula))
	must(authors.Create(ctx, terry))
	must(books.CreateAll(ctx, []Book{
		{AuthorID: ursula.ID, Title: "The Dispossessed", Year: 1974},
		{AuthorID: ursula.ID, Title: "A Wizard of Earthsea", Year: 1968},
		{AuthorID: terry.ID, Title: "Small Gods", Year: 1992},
	}))
	return db, authors, books
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

// Open a store, define models from structs, write and read typed records.
func Example() {
	db, err := relstore.Open("", nil) // memory; relstore.Open(dir, nil) for Pebble
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	// Related models may be defined in any order.
	must(relstore.Define[Book](db))
	must(relstore.Define[Author](db))
	must(relstore.Define[Genre](db))
	must(relstore.Define[BookGenre](db))

	ctx := context.Background()
	authors := relstore.NewRepo[Author](db)
	books := relstore.NewRepo[Book](db)
	a := &Author{Name: "Ursula"}
	must(authors.Create(ctx, a)) // a.ID is filled in
	must(books.Create(ctx, &Book{AuthorID: a.ID, Title: "The Dispossessed", Year: 1974}))

	list, err := authors.Find(ctx, relstore.Include("books"))
	must(err)
	for _, a := range list {
		fmt.Println(a.ID, a.Name, len(a.Books), a.Books[0].Title)
	}
	// Output: 1 Ursula 1 The Dispossessed
}

func ExampleOpen() {
	dir, _ := os.MkdirTemp("", "relstore-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "store")

	db, err := relstore.Open(path, nil) // a durable Pebble store
	must(err)
	must(relstore.Define[Genre](db))
	must(relstore.NewRepo[Genre](db).Create(context.Background(), &Genre{Name: "fantasy"}))
	must(db.Close())

	db, err = relstore.Open(path, nil)
	must(err)
	defer db.Close()
	must(relstore.Define[Genre](db)) // define again after each Open
	n, err := relstore.NewRepo[Genre](db).Count(context.Background(), nil)
	must(err)
	fmt.Println(n, "genre kept")
	// Output: 1 genre kept
}

// A struct model is an LB3 model definition; Definition shows it.
func ExampleDefinition() {
	def, err := relstore.Definition[Book]()
	must(err)
	fmt.Println(string(def))
	// Output:
	// {
	//   "name": "Book",
	//   "base": "PersistedModel",
	//   "properties": {
	//     "id": {
	//       "type": "number",
	//       "id": true,
	//       "generated": true
	//     },
	//     "authorId": {
	//       "type": "number"
	//     },
	//     "title": {
	//       "type": "string",
	//       "required": true,
	//       "jsonSchema": {
	//         "minLength": 1
	//       }
	//     },
	//     "year": {
	//       "type": "number",
	//       "index": true
	//     }
	//   },
	//   "relations": {
	//     "author": {
	//       "type": "belongsTo",
	//       "model": "Author",
	//       "foreignKey": "authorId"
	//     },
	//     "genres": {
	//       "type": "hasMany",
	//       "model": "Genre",
	//       "through": "BookGenre",
	//       "foreignKey": "bookId",
	//       "keyThrough": "genreId"
	//     }
	//   }
	// }
}

// Models from LB3 JSON work with typed repositories and relate to struct
// models.
func ExampleDB_DefineJSON() {
	db, err := relstore.Open("", nil)
	must(err)
	defer db.Close()
	must(db.DefineJSON([]byte(`{
	  "name": "Shelf",
	  "properties": {"label": {"type": "string", "required": true}},
	  "relations": {"genres": {"type": "hasMany", "model": "Genre", "foreignKey": "shelfId"}}
	}`)))
	must(relstore.Define[Genre](db))

	// A struct whose fields match the JSON model (by JSON name).
	type Shelf struct {
		_      relstore.Model `relstore:"name=Shelf"`
		ID     int            `json:"id"`
		Label  string         `json:"label"`
		Genres []Genre        `json:"genres"`
	}
	ctx := context.Background()
	shelves := relstore.NewRepo[Shelf](db)
	s := &Shelf{Label: "A-F"}
	must(shelves.Create(ctx, s))
	genresOf := relstore.HasMany[Genre](shelves, "genres")
	must(genresOf(ctx, s.ID).Create(&Genre{Name: "fantasy"}))

	got, err := shelves.FindByID(ctx, s.ID, relstore.Include("genres"))
	must(err)
	fmt.Println(got.Label, got.Genres[0].Name)
	// Output: A-F fantasy
}

func ExampleRepo_Create() {
	db, authors, _ := library()
	defer db.Close()
	ctx := context.Background()

	a := &Author{Name: "Octavia"}
	must(authors.Create(ctx, a))
	fmt.Println("created", a.ID)

	err := authors.Create(ctx, &Author{})
	var verr *relstore.ValidationError
	if errors.As(err, &verr) {
		fmt.Println("invalid:", verr.Codes)
	}
	// Output:
	// created 3
	// invalid: map[name:[presence]]
}

func ExampleRepo_Find() {
	db, _, books := library()
	defer db.Close()
	ctx := context.Background()

	// With the builder...
	old, err := books.Find(ctx, relstore.Where("year", relstore.Lt, 1980).Order("year ASC"))
	must(err)
	for _, b := range old {
		fmt.Println(b.Year, b.Title)
	}
	// ...or with a LoopBack filter in JSON.
	f, err := relstore.ParseFilter(`{"where": {"title": {"like": "Gods"}}, "include": "author"}`)
	must(err)
	gods, err := books.Find(ctx, f)
	must(err)
	fmt.Println(gods[0].Title, "by", gods[0].Author.Name)
	// Output:
	// 1968 A Wizard of Earthsea
	// 1974 The Dispossessed
	// Small Gods by Terry
}

// Where paths cross relations: a belongsTo with a dot, a to-many relation
// with Some, None or Every.
func ExampleWhere() {
	db, authors, books := library()
	defer db.Close()
	ctx := context.Background()

	byUrsula, err := books.Count(ctx, relstore.Where("author.name", relstore.Eq, "Ursula"))
	must(err)
	fmt.Println(byUrsula, "books by Ursula")

	modern, err := authors.Find(ctx, relstore.Where("books", relstore.Some, relstore.Where("year", relstore.Gt, 1990)))
	must(err)
	fmt.Println(modern[0].Name, "wrote after 1990")
	// Output:
	// 2 books by Ursula
	// Terry wrote after 1990
}

func ExampleRepo_FindByID() {
	db, authors, _ := library()
	defer db.Close()
	ctx := context.Background()

	a, err := authors.FindByID(ctx, 1, relstore.Include("books", relstore.Order("year DESC").Fields("title", "year", "authorId")))
	must(err)
	for _, b := range a.Books {
		fmt.Println(a.Name, b.Year, b.Title)
	}
	_, err = authors.FindByID(ctx, 42, nil)
	fmt.Println(errors.Is(err, relstore.ErrNotFound))
	// Output:
	// Ursula 1974 The Dispossessed
	// Ursula 1968 A Wizard of Earthsea
	// true
}

func ExampleBelongsTo() {
	db, _, books := library()
	defer db.Close()
	authorOf := relstore.BelongsTo[Author](books, "author")

	a, err := authorOf(context.Background(), 3)
	must(err)
	fmt.Println(a.Name)
	// Output: Terry
}

func ExampleHasMany() {
	db, authors, _ := library()
	defer db.Close()
	ctx := context.Background()
	booksOf := relstore.HasMany[Book](authors, "books")

	must(booksOf(ctx, 2).Create(&Book{Title: "Mort", Year: 1987})) // authorId set to 2
	list, err := booksOf(ctx, 2).Find(relstore.Order("year"))
	must(err)
	for _, b := range list {
		fmt.Println(b.AuthorID, b.Title)
	}
	// The constrained repository refuses to move books to another author.
	_, err = booksOf(ctx, 2).Patch(map[string]any{"authorId": 1}, nil)
	fmt.Println(errors.Is(err, relstore.ErrBadRequest))
	// Output:
	// 2 Mort
	// 2 Small Gods
	// true
}

func ExampleHasManyRepo_Link() {
	db, _, books := library()
	defer db.Close()
	ctx := context.Background()
	genres := relstore.NewRepo[Genre](db)
	genresOf := relstore.HasMany[Genre](books, "genres")

	sf := &Genre{Name: "science fiction"}
	must(genres.Create(ctx, sf))
	must(genresOf(ctx, 1).Link(sf.ID))                     // The Dispossessed
	must(genresOf(ctx, 2).Create(&Genre{Name: "fantasy"})) // creates the genre and the link
	must(genresOf(ctx, 3).Link(2))                         // Small Gods
	list, err := books.Find(ctx, relstore.Include("genres").Order("id"))
	must(err)
	for _, b := range list {
		fmt.Println(b.Title, "→", b.Genres[0].Name)
	}
	must(genresOf(ctx, 3).Unlink(2))
	n, err := genresOf(ctx, 3).Count(nil)
	must(err)
	fmt.Println("Small Gods genres:", n)
	// Output:
	// The Dispossessed → science fiction
	// A Wizard of Earthsea → fantasy
	// Small Gods → fantasy
	// Small Gods genres: 0
}

// Writes through tx commit together, or not at all.
func ExampleDB_Update() {
	db, authors, books := library()
	defer db.Close()
	ctx := context.Background()

	err := db.Update(ctx, func(tx *relstore.Tx) error {
		a := &Author{Name: "Iain"}
		if err := authors.Create(tx, a); err != nil { // tx is the ctx
			return err
		}
		return books.Create(tx, &Book{AuthorID: a.ID, Title: ""}) // invalid: rolls back the author too
	})
	var verr *relstore.ValidationError
	fmt.Println(errors.As(err, &verr))
	n, _ := authors.Count(ctx, nil)
	fmt.Println(n, "authors")

	must(db.Update(ctx, func(tx *relstore.Tx) error {
		a := &Author{Name: "Iain"}
		if err := authors.Create(tx, a); err != nil {
			return err
		}
		return relstore.HasMany[Book](authors, "books")(tx, a.ID).Create(&Book{Title: "Excession"})
	}))
	n, _ = authors.Count(ctx, nil)
	fmt.Println(n, "authors")
	// Output:
	// true
	// 2 authors
	// 3 authors
}

// A View reads one consistent snapshot.
func ExampleDB_View() {
	db, authors, books := library()
	defer db.Close()
	ctx := context.Background()

	must(db.View(ctx, func(tx *relstore.Tx) error {
		nAuthors, err := authors.Count(tx, nil)
		if err != nil {
			return err
		}
		nBooks, err := books.Count(tx, nil)
		if err != nil {
			return err
		}
		fmt.Println(nAuthors, "authors,", nBooks, "books")
		return nil
	}))
	// Output: 2 authors, 3 books
}
