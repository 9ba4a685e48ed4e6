// Schema history of the durable store. Append only: each entry runs once, in order, and
// PRAGMA user_version records how many have run, so an old database upgrades in place.
/**
 * Migration 6's grouping of the responses in the report group of the trigger's OLD or NEW row: the
 * same columns as report-slots.ts GROUPED_RESPONSES (written apart: a migration's text never
 * changes), found by session and the slot's range (responses_session_at).
 */
const groupOf = (row: 'OLD' | 'NEW') => `SELECT at / 900000, model, session, project, sum(input), sum(output), sum(cache_create), sum(cache_read),
      sum(CAST(round(coalesce(cost, 0) * 1e9) AS INTEGER)), count(*), count(cost), max(at)
    FROM responses WHERE at >= ${row}.at / 900000 * 900000 AND at < ${row}.at / 900000 * 900000 + 900000
      AND model = ${row}.model AND session = ${row}.session AND project = ${row}.project AND synthetic = 0
    GROUP BY 1, 2, 3, 4`;

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
  // 4: the 5-hour blocks so far, as the fold over the responses in time order left them
  // (history-blocks.ts), so `blocks` reads only the responses after the last one's last. Any
  // change to a response at or before a block's last drops that block and every later one, here in
  // the database, whoever writes: what is kept is always the fold over the rows as they are now.
  `
  CREATE TABLE block_summaries (
    start INTEGER PRIMARY KEY,       -- epoch ms, the hour of the first response
    end INTEGER NOT NULL,
    first_at INTEGER NOT NULL,
    last_at INTEGER NOT NULL,        -- the newest response folded in
    entries INTEGER NOT NULL,
    input INTEGER NOT NULL,
    output INTEGER NOT NULL,
    cache_create INTEGER NOT NULL,
    cache_read INTEGER NOT NULL,
    models TEXT NOT NULL,            -- JSON array, in the order the fold met them
    cost REAL NOT NULL               -- the sum of the rows' stored costs, in the fold's order
  );
  CREATE INDEX block_summaries_last ON block_summaries(last_at);
  -- INSERT OR REPLACE (writer.ts) fires no delete trigger: the row it replaces is looked up here.
  -- A copy that changes nothing a block reads (a reply's text, thinking, stop reason) keeps them.
  CREATE TRIGGER block_summaries_insert BEFORE INSERT ON responses WHEN EXISTS (SELECT 1 FROM block_summaries)
  BEGIN
    DELETE FROM block_summaries
    WHERE last_at >= min(NEW.at, coalesce((SELECT at FROM responses WHERE key = NEW.key), NEW.at))
      AND NOT EXISTS (SELECT 1 FROM responses WHERE key = NEW.key AND at = NEW.at AND model = NEW.model
        AND input = NEW.input AND output = NEW.output AND cache_create = NEW.cache_create AND cache_1h = NEW.cache_1h
        AND cache_read = NEW.cache_read AND synthetic = NEW.synthetic AND sidechain = NEW.sidechain AND speed = NEW.speed
        AND cost IS NEW.cost AND project = NEW.project AND session = NEW.session AND agent IS NEW.agent);
  END;
  CREATE TRIGGER block_summaries_update AFTER UPDATE ON responses WHEN EXISTS (SELECT 1 FROM block_summaries)
  BEGIN
    DELETE FROM block_summaries WHERE last_at >= min(OLD.at, NEW.at);
  END;
  CREATE TRIGGER block_summaries_delete AFTER DELETE ON responses WHEN EXISTS (SELECT 1 FROM block_summaries)
  BEGIN
    DELETE FROM block_summaries WHERE last_at >= OLD.at;
  END;
  `,
  // 5: files by path: a file read for the first time first drops any other file's row under its
  // path (ingest-file.ts FORGET_FILE), which without this scanned the whole table once per file
  // (at 1 GB, 3,144 files: 84 us a file and growing with the table).
  `CREATE INDEX IF NOT EXISTS files_path ON files(path);`,
  // 6: the reports' sums by 15-minute slot, model, session and project (report-slots.ts), so
  // `daily` at 2 GB groups some 12,000 rows, not 110,000 responses. Empty means not made yet: a
  // reader then groups the responses, and the daemon fills it (keepReportSlots). While it holds
  // rows, every change to a response recomputes the groups it leaves and joins from the responses
  // themselves, so what is kept is always the grouping of the rows as they are now. Costs are kept
  // in whole nano-dollars, each response's rounded once: integer sums are exact in any order, so
  // the kept sums and a fresh grouping agree to the last digit.
  `
  CREATE TABLE report_slots (
    slot INTEGER NOT NULL,           -- at / 900000
    model TEXT NOT NULL,
    session TEXT NOT NULL,
    project TEXT NOT NULL,
    input INTEGER NOT NULL,
    output INTEGER NOT NULL,
    cache_create INTEGER NOT NULL,
    cache_read INTEGER NOT NULL,
    cost_nanos INTEGER NOT NULL,     -- sum of round(cost * 1e9) over the priced responses
    n INTEGER NOT NULL,
    priced INTEGER NOT NULL,
    last INTEGER NOT NULL,           -- max(at)
    PRIMARY KEY (slot, model, session, project)
  ) WITHOUT ROWID;
  -- A group's responses by session and time: by the session alone a long session's every response
  -- was read for each group recomputed, by the time alone every session's in the slot.
  DROP INDEX responses_session;
  CREATE INDEX responses_session_at ON responses(session, at);
  -- INSERT OR REPLACE (writer.ts) fires no delete trigger: the group of the row it replaces is
  -- recomputed here without that row, and the new row's group after the insert.
  CREATE TRIGGER report_slots_replace BEFORE INSERT ON responses
  WHEN EXISTS (SELECT 1 FROM report_slots) AND EXISTS (SELECT 1 FROM responses WHERE key = NEW.key AND synthetic = 0)
  BEGIN
    DELETE FROM report_slots WHERE (slot, model, session, project) = (SELECT at / 900000, model, session, project FROM responses WHERE key = NEW.key);
    INSERT INTO report_slots
    SELECT r.at / 900000, r.model, r.session, r.project, sum(r.input), sum(r.output), sum(r.cache_create), sum(r.cache_read),
      sum(CAST(round(coalesce(r.cost, 0) * 1e9) AS INTEGER)), count(*), count(r.cost), max(r.at)
    FROM responses o JOIN responses r ON r.at >= o.at / 900000 * 900000 AND r.at < o.at / 900000 * 900000 + 900000
      AND r.model = o.model AND r.session = o.session AND r.project = o.project
    WHERE o.key = NEW.key AND r.key <> NEW.key AND r.synthetic = 0
    GROUP BY 1, 2, 3, 4;
  END;
  CREATE TRIGGER report_slots_insert AFTER INSERT ON responses
  WHEN NEW.synthetic = 0 AND EXISTS (SELECT 1 FROM report_slots)
  BEGIN
    INSERT OR REPLACE INTO report_slots ${groupOf('NEW')};
  END;
  CREATE TRIGGER report_slots_update AFTER UPDATE ON responses WHEN EXISTS (SELECT 1 FROM report_slots)
  BEGIN
    DELETE FROM report_slots WHERE (slot, model, session, project) IN (VALUES (OLD.at / 900000, OLD.model, OLD.session, OLD.project), (NEW.at / 900000, NEW.model, NEW.session, NEW.project));
    INSERT INTO report_slots ${groupOf('OLD')};
    INSERT OR REPLACE INTO report_slots ${groupOf('NEW')};
  END;
  CREATE TRIGGER report_slots_delete AFTER DELETE ON responses WHEN OLD.synthetic = 0 AND EXISTS (SELECT 1 FROM report_slots)
  BEGIN
    DELETE FROM report_slots WHERE (slot, model, session, project) = (OLD.at / 900000, OLD.model, OLD.session, OLD.project);
    INSERT INTO report_slots ${groupOf('OLD')};
  END;
  `,
  // 7: a file's size and modification time when it was last opened to be read (its fstat), so a
  // file rewritten in place at the same size (deleted and written again under a reused inode, or
  // restored from a copy) is known as changed: appending always grows a file, so the same size
  // with another time means other bytes. NULL in rows from before: the offset alone decides.
  `
  ALTER TABLE files ADD COLUMN seen_size INTEGER;
  ALTER TABLE files ADD COLUMN seen_mtime_ms REAL;
  `,
];
