// Synthetic Claude Code transcripts: a whole history (benchmarks, tests) or turn by turn (live demo).
export { generateCorpus, type CorpusOptions, type CorpusSummary, type TokenTotals } from './corpus.js';
export { hashString, ids, Prng } from './prng.js';
export { MODELS, newSession, projectFolder, subagentCtx, VERSIONS, withVersion, type NewSessionOptions, type SessionCtx } from './session.js';
export { sessionStartLine, turnLines, type LineUsage, type TurnLine, type TurnOptions } from './turn.js';
