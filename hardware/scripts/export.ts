// Writes the circuit's outputs: out/circuit.json, out/netlist.json, out/bom.csv, out/schematic.svg,
// and copies the schematic to docs/img/schematic.svg for docs/hardware.md.
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { convertCircuitJsonToSchematicSvg } from "circuit-to-svg";
import { buildCluster } from "../src/cluster.js";
import { bom, netlist } from "../src/netlist.js";

export const outDir = fileURLToPath(new URL("../../out/", import.meta.url));
export const docsSvg = fileURLToPath(new URL("../../../docs/img/schematic.svg", import.meta.url));

export function exportAll(dir = outDir): { files: string[]; svg: string } {
  const circuitJson = buildCluster().getCircuitJson() as any[];
  mkdirSync(dir, { recursive: true });
  const svg = convertCircuitJsonToSchematicSvg(circuitJson as any);
  const csv = ["refs,qty,value,manufacturer_part_number",
    ...bom(circuitJson).map((r) => [r.refs.join(" "), r.qty, r.value, r.mpn].map((f) => `"${String(f).replaceAll('"', '""')}"`).join(","))].join("\n") + "\n";
  const files: [string, string][] = [
    ["circuit.json", JSON.stringify(circuitJson, null, 1)],
    ["netlist.json", JSON.stringify(netlist(circuitJson), null, 1)],
    ["bom.csv", csv],
    ["schematic.svg", svg],
  ];
  for (const [name, text] of files) writeFileSync(dir + name, text);
  return { files: files.map(([n]) => dir + n), svg };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { files, svg } = exportAll();
  if (process.argv.includes("--docs")) {
    writeFileSync(docsSvg, svg);
    files.push(docsSvg);
  }
  for (const f of files) console.log(`wrote ${f}`);
}
