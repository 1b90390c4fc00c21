// The store's SQLite schema, migrated by `PRAGMA user_version`: migration i takes version i to i + 1, each in
// one transaction, so a crash mid-migration leaves the old version intact.

import type { Database } from 'better-sqlite3';

const MIGRATIONS: readonly string[] = [
  // 0 → 1
  `
  CREATE TABLE particles (
    point          TEXT PRIMARY KEY,
    parent         TEXT REFERENCES particles(point) ON DELETE CASCADE,
    kind           TEXT NOT NULL,      -- canonical kind text: File<Dir>
    base_kind      TEXT NOT NULL,      -- File
    sub_kind       TEXT,               -- Dir
    depth          INTEGER NOT NULL,   -- segments: localhost = 1, ROOT = 0
    status         TEXT NOT NULL,
    status_message TEXT,
    owner          TEXT NOT NULL,
    created        INTEGER NOT NULL    -- ms since the epoch
  ) WITHOUT ROWID;
  CREATE INDEX particles_parent ON particles(parent);
  CREATE INDEX particles_kind ON particles(base_kind, depth);

  CREATE TABLE properties (
    point  TEXT NOT NULL REFERENCES particles(point) ON DELETE CASCADE,
    key    TEXT NOT NULL,
    value  TEXT NOT NULL,
    locked INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (point, key)
  ) WITHOUT ROWID;

  -- A published bundle's files: path (no leading /) → blob.
  CREATE TABLE bundle_files (
    bundle TEXT NOT NULL REFERENCES particles(point) ON DELETE CASCADE,
    path   TEXT NOT NULL,
    hash   TEXT NOT NULL,
    size   INTEGER NOT NULL,
    PRIMARY KEY (bundle, path)
  ) WITHOUT ROWID;

  INSERT INTO particles (point, parent, kind, base_kind, sub_kind, depth, status, status_message, owner, created)
  VALUES ('ROOT', NULL, 'Root', 'Root', NULL, 0, 'Ready', NULL, 'HYPERUSER', 0);
  `,
  // 1 → 2: a File's content (SPEC §3: only `File`, not `File<Dir>`, has one). A File without a row is empty.
  // Deleting the File drops the row; the blob stays until `collectGarbage` (blobs may be shared).
  `
  CREATE TABLE file_contents (
    point   TEXT PRIMARY KEY REFERENCES particles(point) ON DELETE CASCADE,
    hash    TEXT NOT NULL,
    size    INTEGER NOT NULL,
    updated INTEGER NOT NULL   -- ms since the epoch
  ) WITHOUT ROWID;
  CREATE INDEX file_contents_hash ON file_contents(hash);
  CREATE INDEX bundle_files_hash ON bundle_files(hash);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the database to SCHEMA_VERSION; returns an error message for a database newer than this starc. */
export function migrate(db: Database): string | undefined {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    return `the store's schema is version ${current}, newer than this starc's ${SCHEMA_VERSION}: upgrade starc`;
  }
  for (let v = current; v < SCHEMA_VERSION; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return undefined;
}
