// Pin numbers of the multi-pin parts, from their datasheets. Each map: pin number -> label.

/** ESP32 DevKit V1, 30-pin (DOIT, ESP32-WROOM-32), seen from the top with the antenna up: pins 1-15
 *  are the left header (J1) top to bottom, 16-30 the right header (J2) top to bottom. The BOOT button
 *  (GPIO0) is on the board, not on a header pin. */
export const devkit: Record<number, string> = {
  1: "EN", 2: "GPIO36", 3: "GPIO39", 4: "GPIO34", 5: "GPIO35", 6: "GPIO32", 7: "GPIO33", 8: "GPIO25",
  9: "GPIO26", 10: "GPIO27", 11: "GPIO14", 12: "GPIO12", 13: "GPIO13", 14: "GND_L", 15: "VIN",
  16: "GPIO23", 17: "GPIO22", 18: "GPIO1", 19: "GPIO3", 20: "GPIO21", 21: "GPIO19", 22: "GPIO18",
  23: "GPIO5", 24: "GPIO17", 25: "GPIO16", 26: "GPIO4", 27: "GPIO2", 28: "GPIO15", 29: "GND_R", 30: "V3V3",
};

/** Header position of a DevKit pin, as printed in the wiring table: J1-8, J2-1 ... */
export function devkitHeaderPin(pin: number): string {
  return pin <= 15 ? `J1-${pin}` : `J2-${pin - 15}`;
}

/** The quad driver, SOIC-28 (AX1201728SG = VID6606 = X12.017). Pins 1, 4-7, 12, 15, 26-28 are as
 *  Guy Carpenter wired an AX1201728SG ("SwitecX25 quad driver tests", gaugette, 2017): VDD 1 and 15,
 *  VSS 12, RESET 26, CW/CCW A 27, f(scx) A 28, OUT1A-OUT4A 7, 6, 4, 5. The other channels' pins follow
 *  the same datasheet figure (B mirrors A on the left side, C and D on the right) but were not checked
 *  against a second source here: `verifiedDriverPins` lists what was. Check them on your chip's
 *  datasheet before soldering (docs/hardware.md says so too). */
export const driver: Record<number, string> = {
  1: "VDD", 2: "CW_B", 3: "FSCX_B", 4: "OUT3A", 5: "OUT4A", 6: "OUT2A", 7: "OUT1A",
  8: "OUT1B", 9: "OUT2B", 10: "OUT4B", 11: "OUT3B", 12: "VSS", 13: "CW_C", 14: "FSCX_C",
  15: "VDD2", 16: "FSCX_D", 17: "CW_D", 18: "OUT3D", 19: "OUT4D", 20: "OUT2D", 21: "OUT1D",
  22: "OUT1C", 23: "OUT2C", 24: "OUT4C", 25: "OUT3C", 26: "RESET", 27: "CW_A", 28: "FSCX_A",
};
export const verifiedDriverPins = [1, 4, 5, 6, 7, 12, 15, 26, 27, 28];

/** SN74HCT245N, DIP-20 (TI datasheet, N package). */
export const hct245: Record<number, string> = {
  1: "DIR", 2: "A1", 3: "A2", 4: "A3", 5: "A4", 6: "A5", 7: "A6", 8: "A7", 9: "A8", 10: "GND",
  11: "B8", 12: "B7", 13: "B6", 14: "B5", 15: "B4", 16: "B3", 17: "B2", 18: "B1", 19: "OE_N", 20: "VCC",
};

/** SN74HCT125N, DIP-14 (TI datasheet): four buffers, each with an active-low output enable. */
export const hct125: Record<number, string> = {
  1: "OE1_N", 2: "A1", 3: "Y1", 4: "OE2_N", 5: "A2", 6: "Y2", 7: "GND",
  8: "Y3", 9: "A3", 10: "OE3_N", 11: "Y4", 12: "A4", 13: "OE4_N", 14: "VCC",
};

/** ULN2003AN, DIP-16 (TI datasheet): inputs 1B-7B on 1-7, outputs 1C-7C on 16-10. */
export const uln2003: Record<number, string> = {
  1: "IN1", 2: "IN2", 3: "IN3", 4: "IN4", 5: "IN5", 6: "IN6", 7: "IN7", 8: "GND", 9: "COM",
  10: "OUT7", 11: "OUT6", 12: "OUT5", 13: "OUT4", 14: "OUT3", 15: "OUT2", 16: "OUT1",
};

/** Switec X27.168: coil 1 between pins 1 and 2, coil 2 between pins 3 and 4 (Carpenter wires the
 *  driver's OUT1-OUT4 to motor pins 1-4). */
export const x27: Record<number, string> = { 1: "COIL1_1", 2: "COIL1_2", 3: "COIL2_3", 4: "COIL2_4" };

/** RGB LED, common anode, 5 mm, 4 leads: red cathode, common anode (the longest lead), green, blue. */
export const rgbLed: Record<number, string> = { 1: "RED_K", 2: "ANODE", 3: "GREEN_K", 4: "BLUE_K" };

export function pinLabels(map: Record<number, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).map(([n, label]) => [`pin${n}`, label]));
}

export function pinNumber(map: Record<number, string>, label: string): number {
  const hit = Object.entries(map).find(([, l]) => l === label);
  if (!hit) throw new Error(`no pin labelled ${label}`);
  return Number(hit[0]);
}
