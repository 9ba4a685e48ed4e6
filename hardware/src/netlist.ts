// The netlist as the tool sees it: circuit-json's source ports joined by source traces into nets.
type Element = Record<string, any>;

export interface Net {
  /** the net's name when a trace reaches a named net (V5, STEP1 ...), else the joined port names */
  name: string;
  /** "U1.pin8" style: component name and pin number */
  ports: string[];
}

export function netlist(circuitJson: Element[]): Net[] {
  const components = new Map(circuitJson.filter((e) => e.type === "source_component").map((e) => [e.source_component_id, e.name]));
  const portName = new Map<string, string>();
  for (const p of circuitJson.filter((e) => e.type === "source_port")) {
    const pin = p.pin_number ?? Number(String(p.name).replace(/^pin/, ""));
    portName.set(p.source_port_id, `${components.get(p.source_component_id)}.pin${pin}`);
  }
  const netName = new Map(circuitJson.filter((e) => e.type === "source_net").map((e) => [e.source_net_id, e.name]));
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    while (parent.get(x) !== x) x = parent.get(x) ?? (parent.set(x, x), x);
    return x;
  };
  const union = (a: string, b: string) => parent.set(find(a), find(b));
  for (const id of [...portName.keys(), ...netName.keys()]) parent.set(id, id);
  for (const t of circuitJson.filter((e) => e.type === "source_trace")) {
    const ids: string[] = [...(t.connected_source_port_ids ?? []), ...(t.connected_source_net_ids ?? [])];
    for (const id of ids.slice(1)) union(ids[0]!, id);
  }
  const groups = new Map<string, { names: string[]; ports: string[] }>();
  for (const id of parent.keys()) {
    const g = groups.get(find(id)) ?? { names: [], ports: [] };
    groups.set(find(id), g);
    if (netName.has(id)) g.names.push(netName.get(id)!);
    else g.ports.push(portName.get(id)!);
  }
  return [...groups.values()]
    .filter((g) => g.ports.length > 0)
    .map((g) => ({ name: g.names.sort().join("+") || g.ports.join("~"), ports: g.ports.sort() }));
}


/** The tool's own design-check findings: every *_error element of the circuit json. */
export function designErrors(circuitJson: Element[]): Element[] {
  return circuitJson.filter((e) => typeof e.type === "string" && e.type.endsWith("_error"));
}

/** BOM rows: one per manufacturer part number and value, with the reference designators. */
export function bom(circuitJson: Element[]): { refs: string[]; mpn: string; value: string; qty: number }[] {
  const rows = new Map<string, { refs: string[]; mpn: string; value: string; qty: number }>();
  for (const c of circuitJson.filter((e) => e.type === "source_component")) {
    const value: string = c.display_resistance ?? c.display_capacitance ?? "";
    const mpn = c.manufacturer_part_number ?? "";
    const key = `${mpn}|${value}`;
    const row = rows.get(key) ?? { refs: [] as string[], mpn, value, qty: 0 };
    row.refs.push(c.name);
    row.qty++;
    rows.set(key, row);
  }
  return [...rows.values()].sort((a, b) => a.refs[0]!.localeCompare(b.refs[0]!, "en", { numeric: true }));
}
