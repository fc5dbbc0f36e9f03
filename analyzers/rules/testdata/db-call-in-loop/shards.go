package dbcallinloop

import (
	"context"
	"database/sql"
)

type ShardDB struct {
	db *sql.DB
}

// Near-miss: one statement per database, not one query per row.
func VacuumAll(ctx context.Context, shards []*ShardDB) error {
	for _, s := range shards {
		if _, err := s.db.ExecContext(ctx, "VACUUM"); err != nil {
			return err
		}
	}
	return nil
}

func PurgeTenants(ctx context.Context, tenants map[string]*sql.DB) error {
	for _, tdb := range tenants {
		if _, err := tdb.ExecContext(ctx, "DELETE FROM sessions WHERE expired"); err != nil {
			return err
		}
	}
	return nil
}

// The same shape against one shared handle is N+1.
func (s *ShardDB) Touch(ctx context.Context, ids []int64) error {
	for _, id := range ids {
		if _, err := s.db.ExecContext(ctx, "UPDATE items SET seen = now() WHERE id = $1", id); err != nil { // want "s.db.ExecContext inside a loop"
			return err
		}
	}
	return nil
}
