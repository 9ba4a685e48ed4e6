// The one Prometheus HTTP API call this source needs: an instant query of a range selector, which
// returns the raw samples (a matrix) rather than anything rate()/increase() has extrapolated.
export interface Sample {
  /** Epoch ms. */
  at: number;
  value: number;
}

export interface RawSeries {
  labels: Record<string, string>;
  samples: Sample[];
}

export class PrometheusError extends Error {}

/** Raw samples of a range selector, evaluated at `timeMs` (Prometheus's now when absent). */
export async function querySamples(baseUrl: string, query: string, o: { timeMs?: number; timeoutMs: number }): Promise<RawSeries[]> {
  const data = await instantQuery(baseUrl, query, o, 'matrix');
  return data.map((r: { metric?: Record<string, string>; values?: [number, string][] }) => ({
    labels: r.metric ?? {},
    samples: (r.values ?? []).map(([t, v]) => ({ at: Math.round(t * 1000), value: Number(v) })).filter((x) => Number.isFinite(x.value)),
  }));
}

/** One value per series (an instant vector), e.g. `last_over_time(m[7d])`: the value is the series' sample, the time the evaluation's. */
export async function queryValues(baseUrl: string, query: string, o: { timeMs?: number; timeoutMs: number }): Promise<{ labels: Record<string, string>; value: number }[]> {
  const data = await instantQuery(baseUrl, query, o, 'vector');
  return data
    .map((r: { metric?: Record<string, string>; value?: [number, string] }) => ({ labels: r.metric ?? {}, value: Number(r.value?.[1]) }))
    .filter((x) => Number.isFinite(x.value));
}

async function instantQuery(baseUrl: string, query: string, o: { timeMs?: number; timeoutMs: number }, want: 'matrix' | 'vector'): Promise<any[]> {
  const url = new URL('api/v1/query', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  const form = new URLSearchParams({ query });
  if (o.timeMs !== undefined) form.set('time', (o.timeMs / 1000).toFixed(3));
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', body: form, signal: AbortSignal.timeout(o.timeoutMs) });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    if (e.name === 'TimeoutError' || e.name === 'AbortError') throw new PrometheusError(`Prometheus at ${baseUrl} did not answer within ${o.timeoutMs / 1000} s`);
    throw new PrometheusError(`Prometheus at ${baseUrl} is unreachable (${e.cause?.code ?? e.message})`);
  }
  let body: { status?: string; errorType?: string; error?: string; data?: { resultType?: string; result?: unknown } };
  try {
    body = (await res.json()) as typeof body;
  } catch {
    throw new PrometheusError(`${baseUrl} answered HTTP ${res.status} without a Prometheus API body (is it Prometheus?)`);
  }
  if (body.status !== 'success') {
    const hint = res.status === 400 ? '; check CLAUDE_GAUGE_PROMETHEUS_SELECTOR' : '';
    throw new PrometheusError(`Prometheus refused the query (HTTP ${res.status} ${body.errorType ?? ''}): ${String(body.error ?? 'no reason given').slice(0, 300)}${hint}`);
  }
  if (body.data?.resultType !== want || !Array.isArray(body.data.result)) throw new PrometheusError(`Prometheus answered with something other than a ${want}`);
  return body.data.result;
}
