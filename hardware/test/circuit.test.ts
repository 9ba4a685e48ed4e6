// The circuit against the firmware's pin map, the tool's design checks, and the computed values.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildCluster, lamps } from "../src/cluster.js";
import { netlist, designErrors, type Net } from "../src/netlist.js";
import { readPinMap, netOf } from "../src/pins-h.js";
import * as pinout from "../src/pinouts.js";
import { e12AtLeast, isE12, lampResistor, levelShifting, powerBudget, supplyNeededMa, directDriveWorks } from "../src/calc.js";
import { colours, usb } from "../src/datasheets.js";
import { exportAll, docsSvg } from "../scripts/export.js";

const circuitJson = buildCluster().getCircuitJson() as any[];
const nets = netlist(circuitJson);
/** The net a port is wired into; undefined when it is wired to nothing. */
const netWith = (port: string): Net | undefined => nets.find((n) => n.ports.includes(port) && (n.ports.length > 1 || n.name !== port));

test("every GPIO in pins.h is wired to the net of its function, through its buffer, and nothing else", () => {
  const map = readPinMap();
  assert.ok(map.length >= 17, "pins.h read");
  for (const { fn, gpio } of map) {
    if (fn === "Button") {
      // the DevKit's own BOOT button: GPIO0 is on no header pin, so nothing here may claim it
      assert.ok(!Object.values(pinout.devkit).includes(`GPIO${gpio}`), "GPIO0 is not on a header");
      continue;
    }
    const port = `U1.pin${pinout.pinNumber(pinout.devkit, `GPIO${gpio}`)}`;
    const net = netWith(port);
    assert.equal(net?.name, netOf(fn), `GPIO${gpio} (${port}) carries ${fn}`);
    const others = net!.ports.filter((p) => p !== port);
    const buffers = others.filter((p) => /^U[345]\./.test(p));
    assert.equal(buffers.length, 1, `${fn}: one buffer input`);
    const rest = others.filter((p) => !buffers.includes(p));
    assert.deepEqual(rest, fn === "DriverReset" ? ["R1.pin1"] : [], `${fn}: nothing else on GPIO${gpio}`);
  }
});

test("no DevKit GPIO is wired unless pins.h gives it a function", () => {
  const used = new Set(readPinMap().map((p) => `GPIO${p.gpio}`));
  for (const [pin, label] of Object.entries(pinout.devkit)) {
    if (!label.startsWith("GPIO") || used.has(label)) continue;
    assert.equal(netWith(`U1.pin${pin}`), undefined, `${label} is unused in the firmware, so unwired`);
  }
});

test("each STEP/DIR and RESET reaches the driver pin of its channel at 5 V", () => {
  const expect: Record<string, string> = { RESET: "DRIVER_RESET_5V" };
  ["A", "B", "C", "D"].forEach((ch, i) => {
    expect[`FSCX_${ch}`] = `STEP${i + 1}_5V`;
    expect[`CW_${ch}`] = `DIR${i + 1}_5V`;
  });
  for (const [label, net] of Object.entries(expect))
    assert.equal(netWith(`U2.pin${pinout.pinNumber(pinout.driver, label)}`)?.name, net, label);
});

test("each motor's four pins go to OUT1-OUT4 of its own channel", () => {
  ["A", "B", "C", "D"].forEach((ch, i) => {
    for (let n = 1; n <= 4; n++) {
      const net = netWith(`M${i + 1}.pin${n}`);
      assert.deepEqual(net?.ports, [`M${i + 1}.pin${n}`, `U2.pin${pinout.pinNumber(pinout.driver, `OUT${n}${ch}`)}`].sort());
    }
  });
});

test("the tool's design checks find no error", () => {
  assert.deepEqual(designErrors(circuitJson).map((e) => e.message), []);
});

test("level shifting follows from the thresholds: needed, and the HCT buffer meets both sides", () => {
  const d = levelShifting();
  assert.equal(d.directHighOk, false, "ESP32 VOH(min) 2.64 V is under the driver's VIH 3.15 V");
  assert.equal(d.needsShifter, true);
  assert.equal(d.bufferedHighOk && d.bufferedLowOk, true);
  assert.ok(circuitJson.some((e) => e.type === "source_component" && e.manufacturer_part_number === "SN74HCT245N"));
});

test("lamp resistors are E12 values giving about the target current, never over the LED's rating", () => {
  assert.equal(e12AtLeast(420), 470);
  assert.equal(e12AtLeast(160), 180);
  assert.equal(e12AtLeast(1000), 1000);
  for (const l of lamps) {
    const r = lampResistor(l.colour);
    assert.ok(isE12(r.ohms) && r.ohms === l.ohms, `${l.fn}: ${r.ohms} Ω`);
    assert.ok(r.typMa <= 5 && r.typMa >= 3.5, `${l.fn}: ${r.typMa.toFixed(1)} mA typical`);
    assert.ok(r.maxMa < l.colour.ifMaxMa, `${l.fn}: ${r.maxMa.toFixed(1)} mA worst case`);
    const part = circuitJson.find((e) => e.type === "source_component" && e.name === l.resistor);
    assert.equal(part.resistance, l.ohms);
  }
  // why a driver chip for the lamps: the blue and green LEDs cannot be lit reliably from 3.3 V
  assert.equal(directDriveWorks(colours.blue), false);
});

test("power budget: over what a USB port gives, and docs/hardware.md asks for the supply it needs", () => {
  const { totalMa } = powerBudget();
  assert.ok(totalMa > usb.portMa * 0.8, `peak ${totalMa.toFixed(0)} mA leaves no margin on a 500 mA port`);
  const need = supplyNeededMa(totalMa);
  const doc = readFileSync(fileURLToPath(new URL("../../../docs/hardware.md", import.meta.url)), "utf8");
  assert.match(doc, new RegExp(`worst-case peak is about ${Math.round(totalMa / 10) * 10} mA`));
  assert.match(doc, new RegExp(`5 V supply of at least ${need / 1000} A`));
});

test("every part has a manufacturer part number", () => {
  for (const c of circuitJson.filter((e) => e.type === "source_component"))
    assert.ok(c.manufacturer_part_number, `${c.name} has an MPN`);
});

test("the exports run, and docs/img/schematic.svg is the current drawing", () => {
  const dir = fileURLToPath(new URL("../../out/test/", import.meta.url));
  const { files, svg } = exportAll(dir);
  assert.equal(files.length, 4);
  assert.match(readFileSync(dir + "bom.csv", "utf8"), /SN74HCT245N/);
  assert.equal(readFileSync(docsSvg, "utf8"), svg, "run `npm run export --prefix hardware` and commit docs/img/schematic.svg");
});
