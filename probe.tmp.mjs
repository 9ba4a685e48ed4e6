import { readFileSync } from 'node:fs';
const { discover } = await import('./dist/src/sources/transcripts/discover.js');
const by = new Map();
for (const f of discover(['/tmp/rep-gen']).files) for (const line of readFileSync(f.path,'utf8').split('\n')) {
  let r; try { r = JSON.parse(line) } catch { continue }
  const u = r?.message?.usage; if (!u || r.type !== 'assistant') continue;
  const t = (u.input_tokens??0)+(u.output_tokens??0)+(u.cache_creation_input_tokens??0)+(u.cache_read_input_tokens??0);
  const k = r.message.id+':'+r.requestId;
  (by.get(k) ?? by.set(k, []).get(k)).push({ f: f.path.slice(13), t, ts: r.timestamp, side: r.isSidechain, model: r.message.model, keys: Object.keys(u).join(','), reqId: r.requestId });
}
for (const [k, v] of by) if (v.some(x => x.t === 79 || x.t < 100 && x.ts.startsWith('2026-02-25'))) console.log(k, JSON.stringify(v));
console.log('---');
for (const [k, v] of by) { const ts = new Set(v.map(x=>x.t)); if (ts.size > 1 && v[0].ts.startsWith('2026-02-25')) { const a=[...ts].sort((x,y)=>x-y); if (a.some((x,i)=>a.some(y=>y-x===79))) console.log(k, JSON.stringify(v)); } }
let n=0; for (const [k,v] of by) if (k.includes('undefined')) n++; console.log('noreq', n);
