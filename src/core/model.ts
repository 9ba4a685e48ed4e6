export type ModelFamily = 'opus' | 'sonnet' | 'haiku' | 'other';

/** claude-opus-4-6, claude-3-5-sonnet-20241022, anthropic.claude-haiku-4-5… -> family. */
export function modelFamily(model: string | null | undefined): ModelFamily {
  if (!model) return 'other';
  const m = model.toLowerCase();
  if (m.includes('opus')) return 'opus';
  if (m.includes('sonnet')) return 'sonnet';
  if (m.includes('haiku')) return 'haiku';
  return 'other';
}
