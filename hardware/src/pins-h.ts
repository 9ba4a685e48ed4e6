// Reads firmware/include/pins.h: the firmware's one pin map, the thing the circuit must match.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const pinsHeader = fileURLToPath(new URL("../../../firmware/include/pins.h", import.meta.url));

export interface FirmwarePin {
  /** the Fn name in pins.h: Step1, DriverReset, ModelR ... */
  fn: string;
  gpio: number;
}

/** Every `{Fn::Name, gpio, ...}` entry of kPinMap, in order. */
export function readPinMap(path = pinsHeader): FirmwarePin[] {
  const text = readFileSync(path, "utf8");
  const start = text.indexOf("kPinMap[]");
  const end = text.indexOf("};", start);
  if (start < 0 || end < 0) throw new Error(`${path}: no kPinMap`);
  const body = text.slice(start, end);
  const pins = [...body.matchAll(/\{\s*Fn::(\w+)\s*,\s*(\d+)\s*,/g)].map((m) => ({ fn: m[1]!, gpio: Number(m[2]) }));
  if (pins.length === 0) throw new Error(`${path}: kPinMap has no entries`);
  return pins;
}

/** The net name the circuit gives a firmware function: Step1 -> STEP1, DriverReset -> DRIVER_RESET. */
export function netOf(fn: string): string {
  return fn.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
}
