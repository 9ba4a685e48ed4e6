// The process the crash loop kills: follows the history as `serve` does (a worker thread reading
// the transcripts into SQLite), says when reading starts, exits once idle. Kept apart from the
// test file so each of the hundreds of children starts fast. Without its two arguments (the test
// runner loads every file under test/) it does nothing.
import { openHistory } from '../../src/store/db.js';
import { startIngest } from '../../src/store/follow.js';

async function run(home: string, state: string): Promise<never> {
  const history = openHistory(state);
  const ingest = startIngest({ history, configDirs: [home], follow: false });
  process.stdout.write('ready\n');
  await ingest.whenIdle();
  const st = ingest.status();
  await ingest.close();
  history.close();
  if (st.last_error) {
    process.stderr.write(st.last_error);
    process.exit(3);
  }
  process.exit(0);
}

const [home, state] = process.argv.slice(2);
if (home && state) await run(home, state);
