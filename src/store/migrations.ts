// The store's schema, one SQL text per version; never edit a shipped one, append a new one.

export const migrations: readonly string[] = [
  `
  CREATE TABLE plugins (
    type         TEXT NOT NULL,
    name         TEXT NOT NULL,
    version      TEXT NOT NULL DEFAULT '',
    request      TEXT NOT NULL,          -- the create/update body as given (JSON)
    sha256       TEXT NOT NULL DEFAULT '',
    files        TEXT NOT NULL,          -- installed paths relative to the home folder (JSON array)
    functions    TEXT,                   -- an explicitly registered function list (JSON) or NULL
    manifest     TEXT,                   -- portable plugins: the manifest (JSON)
    installed_at TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (type, name)
  ) STRICT;

  CREATE TABLE functions (
    name        TEXT PRIMARY KEY,
    plugin_type TEXT NOT NULL,
    plugin_name TEXT NOT NULL,
    FOREIGN KEY (plugin_type, plugin_name) REFERENCES plugins (type, name) ON DELETE CASCADE
  ) STRICT;
  CREATE INDEX functions_by_plugin ON functions (plugin_type, plugin_name);

  CREATE TABLE uploads (
    name       TEXT PRIMARY KEY,
    size       INTEGER NOT NULL,
    sha256     TEXT NOT NULL,
    created_at TEXT NOT NULL
  ) STRICT;

  -- One row per create, update or delete: the install records, and the journal that lets a
  -- restart finish or undo a change that a crash interrupted.
  CREATE TABLE journal (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    type        TEXT NOT NULL,
    name        TEXT NOT NULL,
    op          TEXT NOT NULL,           -- create | update | delete
    state       TEXT NOT NULL,           -- staging | committing | done | failed | rolledback
    staging     TEXT NOT NULL DEFAULT '',
    moves       TEXT NOT NULL DEFAULT '[]',
    request     TEXT NOT NULL DEFAULT '{}',
    sha256      TEXT NOT NULL DEFAULT '',
    error       TEXT NOT NULL DEFAULT '',
    started_at  TEXT NOT NULL,
    finished_at TEXT
  ) STRICT;
  CREATE INDEX journal_open ON journal (state) WHERE state IN ('staging', 'committing');
  `,
  `
  -- The fleet agent: the sha256 of the desired document last applied, and that apply's report.
  CREATE TABLE fleet_state (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    applied_sha256 TEXT NOT NULL DEFAULT '',
    last_apply     TEXT NOT NULL DEFAULT 'null',   -- JSON: the last apply's report, or null
    updated_at     TEXT NOT NULL
  ) STRICT;
  `,
  `
  -- Replay protection: the issue time and sha256 of the newest signed desired state accepted.
  ALTER TABLE fleet_state ADD COLUMN accepted_issued TEXT NOT NULL DEFAULT '';
  ALTER TABLE fleet_state ADD COLUMN accepted_sha256 TEXT NOT NULL DEFAULT '';
  `,
];
