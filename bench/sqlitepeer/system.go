package sqlitepeer

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	"github.com/relstore/relstore/bench/workload"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// driverName is modernc.org/sqlite's database/sql driver name.
const driverName = "sqlite"

// cacheSizeKiB is the page cache: 64 MiB (a negative cache_size is in KiB).
const cacheSizeKiB = 64 * 1024

// Journal modes and synchronous levels used by the systems.
const (
	journalWAL   = "WAL"
	syncNormal   = "NORMAL"
	syncFull     = "FULL"
	dbFileName   = "bench.db"
	tempDirGlob  = "relstore-bench-sqlite-*"
	memoryDBName = ":memory:"
)

// Config describes one SQLite system.
type Config struct {
	// Name is the system key (workload.SysSQLite*).
	Name string
	// File selects a database file in a temporary directory; false means
	// an in-memory database.
	File bool
	// Synchronous is PRAGMA synchronous for file databases ("NORMAL",
	// "FULL"); the journal mode of file databases is always WAL.
	Synchronous string
	// Durable marks the system as claiming durability of every commit (it
	// then runs Q8).
	Durable bool
	// Dir is where temporary directories are made ("" = os.TempDir()).
	Dir string
}

// System is a workload.System backed by SQLite.
type System struct {
	cfg Config
}

// Systems returns the three SQLite systems, keyed by name.
func Systems() map[string]*System {
	return map[string]*System{
		workload.SysSQLiteMem:     New(Config{Name: workload.SysSQLiteMem}),
		workload.SysSQLiteWAL:     New(Config{Name: workload.SysSQLiteWAL, File: true, Synchronous: syncNormal}),
		workload.SysSQLiteWALFull: New(Config{Name: workload.SysSQLiteWALFull, File: true, Synchronous: syncFull, Durable: true}),
	}
}

// New returns a system with configuration cfg.
func New(cfg Config) *System { return &System{cfg: cfg} }

// Name implements workload.System.
func (s *System) Name() string { return s.cfg.Name }

// Durable implements workload.System.
func (s *System) Durable() bool { return s.cfg.Durable }

// dsn returns the data source name: the path (or :memory:) and the pragmas,
// applied by the driver on the connection when it opens.
func (s *System) dsn(path string) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("cache_size(%d)", -cacheSizeKiB))
	if s.cfg.File {
		q.Add("_pragma", "journal_mode("+journalWAL+")")
		q.Add("_pragma", "synchronous("+s.cfg.Synchronous+")")
	}
	return path + "?" + q.Encode()
}

// Open implements workload.System: a new database (a fresh temporary
// directory for file systems) with the schema created.
func (s *System) Open(ctx context.Context) (workload.Session, error) {
	path, dir := memoryDBName, ""
	if s.cfg.File {
		var err error
		if dir, err = os.MkdirTemp(s.cfg.Dir, tempDirGlob); err != nil {
			return nil, err
		}
		path = filepath.Join(dir, dbFileName)
	}
	db, err := sql.Open(driverName, s.dsn(path))
	if err != nil {
		removeDir(dir)
		return nil, err
	}
	// One connection, kept for the session's life: an in-memory database
	// lives exactly as long as its connection.
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	sess := &Session{db: db, dir: dir}
	if err := sess.init(ctx); err != nil {
		sess.Close()
		return nil, err
	}
	return sess, nil
}

func removeDir(dir string) {
	if dir != "" {
		_ = os.RemoveAll(dir)
	}
}

// schema creates the three tables and the FK indexes (before the load, so
// the load maintains them).
var schema = []string{
	`CREATE TABLE customers (
		id   INTEGER PRIMARY KEY,
		name TEXT    NOT NULL,
		age  INTEGER NOT NULL,
		city TEXT    NOT NULL)`,
	`CREATE TABLE orders (
		id         INTEGER PRIMARY KEY,
		customerId INTEGER NOT NULL,
		total      REAL    NOT NULL,
		status     TEXT    NOT NULL,
		createdAt  INTEGER NOT NULL)`,
	`CREATE INDEX orders_customerId ON orders(customerId)`,
	`CREATE TABLE order_items (
		id      INTEGER PRIMARY KEY,
		orderId INTEGER NOT NULL,
		sku     TEXT    NOT NULL,
		qty     INTEGER NOT NULL)`,
	`CREATE INDEX order_items_orderId ON order_items(orderId)`,
}
