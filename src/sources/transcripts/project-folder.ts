// Claude Code groups a project's transcripts in one folder under projects/ (named after its
// working directory): the history and the session report know a project by that folder.

/** The project folder of a transcript path: the first folder under projects/ ('' when there is none). */
export function folderProjectOf(file: string): string {
  const parts = file.split(/[\\/]/);
  const i = parts.lastIndexOf('projects');
  return i >= 0 && parts[i + 1] && !parts[i + 1].endsWith('.jsonl') ? parts[i + 1] : '';
}
