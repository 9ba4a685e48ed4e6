// Payload values -> 0-1000 needle positions. The one place this mapping lives on the daemon.

/** The tach's full scale sits 25 % above the redline, so the red zone is the top fifth of the dial. */
export const TACH_FULL_SCALE_OVER_REDLINE = 1.25;

export function toPermille(fraction: number): number {
  if (!Number.isFinite(fraction) || fraction <= 0) return 0;
  return fraction >= 1 ? 1000 : Math.round(fraction * 1000);
}

export function gaugePositions(v: { fuel: number; rate: number; redline: number; thinkingRatio: number; cacheHit: number }) {
  const tachFull = v.redline * TACH_FULL_SCALE_OVER_REDLINE;
  return {
    fuel: toPermille(v.fuel),
    tach: toPermille(tachFull > 0 ? v.rate / tachFull : 0),
    temp: toPermille(v.thinkingRatio),
    boost: toPermille(v.cacheHit),
  };
}
