// Values the circuit is built from, computed from the datasheet figures in datasheets.ts.
import { colours, devkitOverheadMa, driver, esp32, hct, lampTargetMa, motor, uln2003, usb, type LedColour } from "./datasheets.js";

const E12 = [1.0, 1.2, 1.5, 1.8, 2.2, 2.7, 3.3, 3.9, 4.7, 5.6, 6.8, 8.2];

/** The smallest E12 value at or above `ohms` (never more current than asked for). */
export function e12AtLeast(ohms: number): number {
  if (!(ohms > 0)) throw new RangeError(`no resistor for ${ohms} Ω`);
  for (let decade = 10 ** Math.floor(Math.log10(ohms)); ; decade *= 10)
    for (const m of E12) {
      const r = Math.round(m * decade * 1000) / 1000;
      if (r >= ohms * (1 - 1e-9)) return r;
    }
}

export function isE12(ohms: number): boolean {
  return e12AtLeast(ohms) === ohms;
}

export interface LampResistor {
  colour: string;
  /** exact value for the target current at typical Vf */
  exactOhms: number;
  ohms: number;
  /** current at typical Vf, nominal 5 V */
  typMa: number;
  /** worst case: lowest Vf, highest VBUS, least switch drop */
  maxMa: number;
}

/** Series resistor for an LED switched to ground by a ULN2003A channel from the 5 V rail. */
export function lampResistor(c: LedColour, targetMa = lampTargetMa, supply = 5.0): LampResistor {
  const exactOhms = (supply - uln2003.vceSatHigh - c.vfTyp) / (targetMa / 1000);
  const ohms = e12AtLeast(exactOhms);
  const typMa = ((supply - uln2003.vceSatHigh - c.vfTyp) / ohms) * 1000;
  const maxMa = ((usb.vbusMax - uln2003.vceSatLow - c.vfLow) / ohms) * 1000;
  return { colour: c.name, exactOhms, ohms, typMa, maxMa };
}

/** Can an ESP32 pin drive the LED directly from 3.3 V? Only if its worst-case high level clears the
 *  LED's maximum forward voltage with room for a resistor (at least 0.5 V across it). */
export function directDriveWorks(c: LedColour): boolean {
  return esp32.vohMin - c.vfMax >= 0.5;
}

export interface LevelDecision {
  /** the ESP32's worst-case high level reaches the driver's VIH */
  directHighOk: boolean;
  directLowOk: boolean;
  /** through a 74HCT buffer at 5 V */
  bufferedHighOk: boolean;
  bufferedLowOk: boolean;
  needsShifter: boolean;
}

/** Level shifting, decided from thresholds: ESP32 VOH(min)/VOL(max) against the driver's VIH/VIL,
 *  and the HCT buffer's own thresholds when one is needed. */
export function levelShifting(): LevelDecision {
  const directHighOk = esp32.vohMin >= driver.vihMin;
  const directLowOk = esp32.volMax <= driver.vilMax;
  return {
    directHighOk,
    directLowOk,
    bufferedHighOk: esp32.vohMin >= hct.vihMin && hct.vohMin >= driver.vihMin,
    bufferedLowOk: esp32.volMax <= hct.vilMax,
    needsShifter: !(directHighOk && directLowOk),
  };
}

export interface BudgetLine {
  what: string;
  ma: number;
}

/** Worst-case current from the 5 V input: every motor's two coils at full current from the highest
 *  VBUS through the lowest coil resistance, WiFi transmitting, every lamp at its worst-case current. */
export function powerBudget(): { lines: BudgetLine[]; totalMa: number } {
  const coilMa = (usb.vbusMax / motor.coilOhmsMin) * 1000;
  const lampMa = [colours.red, colours.green, colours.blue, colours.red, colours.amber, colours.blue, colours.green]
    .map((c) => lampResistor(c).maxMa)
    .reduce((a, b) => a + b, 0);
  const lines: BudgetLine[] = [
    { what: `4 × X27.168, both coils at ${usb.vbusMax} V / ${motor.coilOhmsMin} Ω`, ma: coilMa * motor.coilsPerMotor * motor.count },
    { what: "ESP32-WROOM-32, WiFi TX peak (802.11b, 19.5 dBm)", ma: esp32.wifiTxPeakMa },
    { what: "DevKit USB bridge (CP2102) and 3.3 V regulator", ma: devkitOverheadMa },
    { what: "7 lamp channels, worst case", ma: lampMa },
    { what: "74HCT245 + 74HCT125, 9 inputs at 3.3 V", ma: 9 * hct.deltaIccMaPerInput },
    { what: "quad driver logic", ma: driver.quiescentMa },
  ];
  return { lines, totalMa: lines.reduce((a, l) => a + l.ma, 0) };
}

/** The supply to ask for: the next of 0.5 / 1 / 2 / 3 A that carries the peak with 25 % margin. */
export function supplyNeededMa(peakMa: number): number {
  for (const ma of [500, 1000, 2000, 3000]) if (ma >= peakMa * 1.25) return ma;
  throw new RangeError(`peak ${peakMa} mA needs more than 3 A`);
}
