// Schema history of the durable store. Append only: each entry runs once, in order, and
// PRAGMA user_version records how many have run, so an old database upgrades in place.
export const MIGRATIONS: readonly string[] = [
  // 1: responses, tools, text counters, file offsets.
  `
  CREATE TABLE responses (
    key TEXT PRIMARY KEY,            -- message.id:requestId (parse.ts responseKey)
    at INTEGER NOT NULL,             -- epoch ms of the winning line
    model TEXT NOT NULL,
    input INTEGER NOT NULL,
    output INTEGER NOT NULL,
    cache_create INTEGER NOT NULL,
    cache_5m INTEGER NOT NULL,
    cache_1h INTEGER NOT NULL,
    cache_read INTEGER NOT NULL,
    thinking INTEGER NOT NULL,
    thinking_reported INTEGER NOT NULL, -- 1: from output_tokens_details, 0: estimated
    visible_chars INTEGER NOT NULL,     -- text + tool input of distinct blocks, for the estimate
    cost REAL,                          -- USD; NULL when the model has no price
    cache_saved REAL,                   -- USD the cache reads saved against uncached input
    project TEXT NOT NULL,
    session TEXT NOT NULL,              -- main session id (subagents fold into their parent)
    agent TEXT,                         -- subagent id, NULL for the main thread
    sidechain INTEGER NOT NULL,
    synthetic INTEGER NOT NULL,
    speed INTEGER NOT NULL,
    stop_reason TEXT
  );
  CREATE INDEX responses_at ON responses(at);
  CREATE INDEX responses_session ON responses(session);
  CREATE TABLE tool_uses (
    id TEXT PRIMARY KEY,             -- tool_use id
    response TEXT NOT NULL,
    name TEXT NOT NULL,
    at INTEGER NOT NULL,
    project TEXT NOT NULL
  );
  CREATE INDEX tool_uses_at ON tool_uses(at);
  -- Content blocks already counted (a resumed session replays them): their visible characters
  -- went into responses.visible_chars once.
  CREATE TABLE blocks (hash TEXT PRIMARY KEY, response TEXT NOT NULL);
  CREATE TABLE tool_results (
    id TEXT PRIMARY KEY,             -- the tool_use id it answers
    is_error INTEGER NOT NULL
  );
  -- One row per distinct piece of text (a reply's content block, a user prompt): counters only.
  CREATE TABLE texts (
    hash TEXT PRIMARY KEY,
    side TEXT NOT NULL,              -- 'claude' | 'user'
    at INTEGER NOT NULL,
    project TEXT NOT NULL,
    session TEXT NOT NULL,
    chars INTEGER NOT NULL,
    em_dashes INTEGER NOT NULL,
    emoji INTEGER NOT NULL,
    correction INTEGER NOT NULL,
    thanks INTEGER NOT NULL,
    phrases TEXT NOT NULL            -- sentence openers, one per line
  );
  CREATE INDEX texts_at ON texts(at);
  CREATE TABLE files (
    id TEXT PRIMARY KEY,             -- device:inode
    path TEXT NOT NULL,
    offset INTEGER NOT NULL,         -- bytes consumed, always just after a newline
    head TEXT,                       -- sha1 of the first head_len bytes
    head_len INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  -- A project is its transcript folder (Claude Code's own grouping); cwd is the first seen, for labels.
  CREATE TABLE projects (folder TEXT PRIMARY KEY, cwd TEXT NOT NULL);
  CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
  `,
  // 2: a response's blocks by response, so the texts of a reply follow its winning copy cheaply (writer.ts).
  `CREATE INDEX IF NOT EXISTS blocks_response ON blocks(response);`,
  // 3: what the tool, friction and rhythm stats need (tool-detail.ts): a Bash call's program, a file
  // tool's path and extension, permission denials, interrupts. An existing history reads every
  // transcript again from its start to fill them (rows are idempotent, so nothing else changes);
  // transcripts Claude Code has deleted since leave their older rows without these details.
  `
  ALTER TABLE tool_uses ADD COLUMN executable TEXT; -- Bash: the program's name, never the command line
  ALTER TABLE tool_uses ADD COLUMN file TEXT;       -- Read/Edit/Write/MultiEdit/NotebookEdit: the path
  ALTER TABLE tool_uses ADD COLUMN ext TEXT;        -- its lower-case extension, '' for none
  CREATE INDEX tool_uses_name ON tool_uses(name, at);
  ALTER TABLE tool_results ADD COLUMN denial TEXT;  -- 'rejected' | 'rule' | 'not_granted'; NULL: no denial
  CREATE TABLE interrupts (
    hash TEXT PRIMARY KEY,           -- of the line's timestamp and text: a resumed session's replay is the same one
    at INTEGER NOT NULL,
    project TEXT NOT NULL,
    session TEXT NOT NULL,
    kind TEXT NOT NULL               -- 'turn': during a reply; 'tool': while a tool ran or asked
  );
  CREATE INDEX interrupts_at ON interrupts(at);
  UPDATE files SET offset = 0;
  `,
];
