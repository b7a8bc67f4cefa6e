package server

import (
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// backupPath is POST /_relstore/backup, outside the API root.
const backupPath = "/_relstore/backup"

// Codes of the backup endpoint's errors.
const (
	codeBackupDisabled    = "BACKUP_DISABLED"
	codeBackupName        = "INVALID_BACKUP_NAME"
	codeBackupExists      = "BACKUP_EXISTS"
	codeBackupUnsupported = "BACKUP_UNSUPPORTED"
)

// maxBackupName bounds the length of a backup's directory name.
const maxBackupName = 200

// checkpointer is a storage engine that can write a consistent copy of
// itself into a new directory while it is in use (storage.Pebble).
type checkpointer interface {
	Checkpoint(dir string) error
}

// serveBackup is POST /_relstore/backup with a body {"name": "NAME"}: it
// writes a checkpoint of the store into Options.BackupDir/NAME, a
// directory that must not exist yet, and answers 200 {"name", "path"}.
// A running daemon holds the store's lock, so this is how a live store is
// backed up; the copy opens like any store (relstore check --data PATH).
// Backups are reads: they are allowed in read-only mode. One runs at a
// time.
//
// Errors: 404 BACKUP_DISABLED without a BackupDir; 400
// INVALID_BACKUP_NAME for a name that is not a plain directory name
// ([A-Za-z0-9._-], not "." or ".."); 409 BACKUP_EXISTS; 409
// BACKUP_UNSUPPORTED when the storage cannot checkpoint (memory).
func (s *server) serveBackup(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		s.writeError(w, r, newError(http.StatusNotFound, "", "Cannot %s %s", r.Method, r.URL.Path))
		return
	}
	if s.opts.BackupDir == "" {
		s.writeError(w, r, newError(http.StatusNotFound, codeBackupDisabled,
			"backups are disabled: start the daemon with --backup-dir DIR"))
		return
	}
	b, err := readBody(r, s.opts.MaxBodyBytes)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	body, err := b.Object()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	name, _ := body["name"].(string)
	if err := checkBackupName(name); err != nil {
		s.writeError(w, r, err)
		return
	}
	cp, ok := s.db.Storage().(checkpointer)
	if !ok {
		s.writeError(w, r, newError(http.StatusConflict, codeBackupUnsupported,
			"the store cannot be backed up online (it is not a Pebble store)"))
		return
	}
	dir := filepath.Join(s.opts.BackupDir, name)
	s.backupMu.Lock()
	defer s.backupMu.Unlock()
	if _, err := os.Lstat(dir); err == nil {
		s.writeError(w, r, newError(http.StatusConflict, codeBackupExists, "the backup %q already exists", name))
		return
	} else if !errors.Is(err, fs.ErrNotExist) {
		s.writeError(w, r, err)
		return
	}
	start := time.Now()
	if err := cp.Checkpoint(dir); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.log.Info("backup written", "name", name, "path", dir, "duration", time.Since(start))
	writeJSON(w, r, http.StatusOK, map[string]any{"name": name, "path": dir})
}

// checkBackupName accepts a plain directory name: letters, digits, ".",
// "_" and "-", not "." or "..", at most maxBackupName bytes.
func checkBackupName(name string) error {
	bad := name == "" || name == "." || name == ".." || len(name) > maxBackupName
	for i := 0; i < len(name) && !bad; i++ {
		c := name[i]
		bad = !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-')
	}
	if bad {
		return newError(http.StatusBadRequest, codeBackupName,
			"the backup name must be a plain directory name of letters, digits, '.', '_' and '-' (not . or ..), got %q", name)
	}
	return nil
}
