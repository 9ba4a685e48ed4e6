// Webhook delivery: POST JSON with a timeout, retried with backoff, in the background.
// The daemon never waits on it; a queue cap keeps a dead endpoint from piling up work.
import type { Alert } from './rules.js';

export interface WebhookOptions {
  url: string;
  timeoutMs?: number;
  /** Waits before each retry; its length is the number of retries. */
  backoffMs?: number[];
  /** Deliveries in flight at most; more are dropped. */
  maxPending?: number;
  log?: (msg: string) => void;
  /** Aggregate figures sent along (never prompts or file names). */
  context?: () => Record<string, unknown>;
}

/** The body: Slack and Discord-style incoming webhooks read `text` (Discord: `content`). */
export function webhookBody(a: Alert, context: Record<string, unknown> = {}): Record<string, unknown> {
  const text = `${a.title}: ${a.message}`;
  return { text, content: text, kind: a.kind, title: a.title, message: a.message, at: new Date(a.at).toISOString(), ...context };
}

export class Webhook {
  private pending = 0;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: WebhookOptions) {}

  /** Starts a delivery and returns at once. */
  send(a: Alert): void {
    if (this.pending >= (this.options.maxPending ?? 20)) {
      this.options.log?.(`webhook: ${this.pending} deliveries still pending; dropped "${a.title}"`);
      return;
    }
    this.pending++;
    const p = this.deliver(a).finally(() => {
      this.pending--;
      this.inFlight.delete(p);
    });
    this.inFlight.add(p);
  }

  /** Resolves when every started delivery is done (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private async deliver(a: Alert): Promise<void> {
    const body = JSON.stringify(webhookBody(a, this.options.context?.()));
    const backoff = this.options.backoffMs ?? [1000, 4000, 15000];
    let why = '';
    for (let attempt = 0; attempt <= backoff.length; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, backoff[attempt - 1]));
      try {
        const res = await fetch(this.options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'claude-gauge' },
          body,
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
        });
        await res.body?.cancel().catch(() => {});
        if (res.ok) return;
        why = `HTTP ${res.status}`;
        // A client error will not get better by asking again (except rate limiting).
        if (res.status < 500 && res.status !== 429) break;
      } catch (e) {
        const cause = (e as { cause?: { code?: string; message?: string } }).cause;
        why = (e as Error).name === 'TimeoutError' ? 'timed out' : (cause?.code ?? cause?.message ?? (e as Error).message);
      }
    }
    this.options.log?.(`webhook: could not deliver "${a.title}" (${why})`);
  }
}
