package dbcallinloop

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

type User struct {
	ID   int64
	Name string
}

func loadUsers(ctx context.Context, db *sql.DB, ids []int64) ([]User, error) {
	users := make([]User, 0, len(ids))
	for _, id := range ids {
		var u User
		err := db.QueryRowContext(ctx, "SELECT id, name FROM users WHERE id = $1", id).Scan(&u.ID, &u.Name) // want "db.QueryRowContext inside a loop: one database round trip"
		if err != nil {
			return nil, err
		}
		users = append(users, u)
	}
	return users, nil
}

func insertAll(tx *sql.Tx, users []User) error {
	for i := 0; i < len(users); i++ {
		if _, err := tx.Exec("INSERT INTO users (id, name) VALUES ($1, $2)", users[i].ID, users[i].Name); err != nil { // want "tx.Exec inside a loop"
			return err
		}
	}
	return nil
}

type repo struct {
	db *sql.DB
}

func (r *repo) touch(ctx context.Context, ids map[int64]bool) error {
	for id := range ids {
		if _, err := r.db.ExecContext(ctx, "UPDATE users SET seen = now() WHERE id = $1", id); err != nil { // want "r.db.ExecContext"
			return err
		}
	}
	return nil
}

type store struct {
	handle interface {
		Query(query string, args ...any) (*sql.Rows, error)
	}
}

func (s *store) orders(users []User) error {
	for _, u := range users {
		rows, err := s.handle.Query("SELECT id FROM orders WHERE user_id = ?", u.ID) // want "s.handle.Query"
		if err != nil {
			return err
		}
		rows.Close()
	}
	return nil
}

func nPlusOne(ctx context.Context, db *sql.DB) error {
	rows, err := db.QueryContext(ctx, "SELECT id FROM users")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		var n int
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM orders WHERE user_id = $1", id).Scan(&n); err != nil { // want "db.QueryRowContext"
			return err
		}
	}
	return rows.Err()
}

// Near-miss: one query for all ids.
func loadUsersBatch(ctx context.Context, db *sql.DB, ids []int64) (*sql.Rows, error) {
	marks := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		marks[i] = fmt.Sprintf("$%d", i+1)
		args[i] = id
	}
	return db.QueryContext(ctx, "SELECT id, name FROM users WHERE id IN ("+strings.Join(marks, ",")+")", args...)
}

// Near-miss: a prepared statement inside a transaction: the standard bulk-insert form.
func insertPrepared(ctx context.Context, db *sql.DB, users []User) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, "INSERT INTO users (id, name) VALUES ($1, $2)")
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, u := range users {
		if _, err := stmt.ExecContext(ctx, u.ID, u.Name); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// Near-miss: iterating a result set.
func names(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, "SELECT name FROM users")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// Near-miss: a retry loop around one statement.
func execWithRetry(db *sql.DB, maxRetries int) error {
	var err error
	for attempt := 0; attempt < maxRetries; attempt++ {
		if _, err = db.Exec("UPDATE counters SET n = n + 1"); err == nil {
			return nil
		}
		time.Sleep(time.Duration(attempt) * 100 * time.Millisecond)
	}
	return err
}

// Near-miss: running a list of different schema statements once.
func migrate(db *sql.DB, statements []string) error {
	for _, q := range statements {
		if _, err := db.Exec(q); err != nil {
			return err
		}
	}
	return nil
}

// Near-miss: multi-row insert per batch of rows.
func insertBatches(db *sql.DB, batches [][]User) error {
	for _, batch := range batches {
		args := make([]any, 0, 2*len(batch))
		marks := make([]string, 0, len(batch))
		for _, u := range batch {
			marks = append(marks, "(?, ?)")
			args = append(args, u.ID, u.Name)
		}
		if _, err := db.Exec("INSERT INTO users (id, name) VALUES "+strings.Join(marks, ","), args...); err != nil {
			return err
		}
	}
	return nil
}

type cache struct{ m map[string]string }

func (c *cache) Get(k string) string { return c.m[k] }

// Near-miss: a Get that is not a database call.
func lookups(c *cache, keys []string) int {
	n := 0
	for _, k := range keys {
		n += len(c.Get(k))
	}
	return n
}

func (r *repo) names(ids []int64) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		var name string
		if err := r.db.QueryRow("SELECT name FROM users WHERE id = ?", id).Scan(&name); err == nil { // want "r.db.QueryRow inside a loop"
			out = append(out, name)
		}
	}
	return out
}

// A tiny stand-in for an sqlx-like handle.
type sqlxDB struct{}

func (sqlxDB) Get(dest any, query string, args ...any) error { return nil }

func profiles(db sqlxDB, ids []int64) error {
	for _, id := range ids {
		var u User
		if err := db.Get(&u, "SELECT id, name FROM users WHERE id = ?", id); err != nil { // want "db.Get inside a loop"
			return err
		}
	}
	return nil
}
