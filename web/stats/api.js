// Fetches one /api route with the page's filter; the access token (from ?token=) rides along.
const token = new URLSearchParams(location.search).get('token');

export async function getJson(route, filter) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(filter)) if (v) q.set(k, v);
  const res = await fetch(`/api/${route}?${q}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  if (!res.ok) throw new Error(`${route}: ${res.status} ${(await res.json().catch(() => ({}))).message ?? ''}`);
  return res.json();
}
