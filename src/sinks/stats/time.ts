// The local calendar lives in core (the engine's "today" uses it too); the stats queries use it from here.
export { HOUR_MS, isUtc, localParts, SLOT_MS, zoneOrDefault, type LocalParts } from '../../core/local-time.js';
