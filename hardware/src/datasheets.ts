// The datasheet figures the circuit is computed from, each with its source. Change a part: change
// its line here, and the resistor values, the level-shifting decision and the power budget follow.

/** ESP32-WROOM-32 GPIO output levels, VDD = 3.3 V (ESP32 datasheet v4.x, table "DC Characteristics
 *  (3.3 V, 25 °C)": VOH min 0.8 × VDD, VOL max 0.1 × VDD). */
export const esp32 = {
  vdd: 3.3,
  vohMin: 0.8 * 3.3,
  volMax: 0.1 * 3.3,
  /** ESP32-WROOM-32 datasheet, "RF Power-Consumption Specifications": 802.11b TX at 19.5 dBm, 240 mA
   *  (peak, the module's largest figure); Espressif asks for a supply of at least 500 mA. */
  wifiTxPeakMa: 240,
};

/** USB-serial bridge and regulator on the DevKit V1: CP2102 "normal operation" supply current 26 mA max
 *  (Silicon Labs CP2102 datasheet, table 3); AMS1117-3.3 quiescent current 10 mA max (AMS1117 datasheet). */
export const devkitOverheadMa = 26 + 10;

/** The quad driver: AX1201728SG / VID6606 / X12.017, supply 4.5-5.5 V. Input thresholds from the VID
 *  family datasheet (VID6608 rev. 1, "Electrical Characteristics", VDD = 4.5-5.5 V): VIL max 1.35 V,
 *  VIH min 3.15 V. Quiescent 300 µA max. */
export const driver = {
  vddMin: 4.5,
  vddMax: 5.5,
  vihMin: 3.15,
  vilMax: 1.35,
  quiescentMa: 0.3,
};

/** Switec X27.168 coils: 230-290 Ω each (FACTS.md, Hardware), two coils per motor, driven from VDD. */
export const motor = { coilOhmsMin: 230, coilsPerMotor: 2, count: 4 };

/** 74HCT (TI SN74HCT245 / SN74HCT125 datasheets, VCC 4.5-5.5 V): VIH min 2.0 V, VIL max 0.8 V, VOH min
 *  3.84 V at -6 mA and VCC 4.5 V. ΔICC 3 mA max per input held at VCC - 2.1 V: an input at 3.3 V
 *  from 5 V is 1.7 V below VCC, budgeted here at that worst-case figure. */
export const hct = { vihMin: 2.0, vilMax: 0.8, vohMin: 3.84, deltaIccMaPerInput: 3 };

/** ULN2003A low-side switch (TI ULN2003A datasheet): VCE(sat) 0.9 V typ at 100 mA; at a few mA the
 *  Darlington saturates near 0.7 V. The lower figure is the one that gives the most LED current. */
export const uln2003 = { vceSatLow: 0.7, vceSatHigh: 0.9 };

/** USB 2.0 high-power port: 500 mA at 4.75-5.25 V (USB 2.0 spec, 7.2.1). */
export const usb = { portMa: 500, vbusMin: 4.75, vbusMax: 5.25 };

export interface LedColour {
  name: string;
  /** forward voltage at 20 mA from the part's datasheet: typical and maximum */
  vfTyp: number;
  vfMax: number;
  /** lowest forward voltage to expect at the target current (a few mA): for the worst-case current */
  vfLow: number;
  /** absolute maximum continuous current */
  ifMaxMa: number;
}

// Kingbright 5 mm LEDs (WP7113 series and WP154A4 RGB datasheets): red and amber (AlGaInP) about
// 2.0 V, blue and true green (InGaN) about 3.3 V at 20 mA; a few mA lowers both by 0.1-0.4 V.
export const colours = {
  red: { name: "red", vfTyp: 2.0, vfMax: 2.5, vfLow: 1.7, ifMaxMa: 30 },
  amber: { name: "amber", vfTyp: 2.1, vfMax: 2.5, vfLow: 1.8, ifMaxMa: 30 },
  green: { name: "green", vfTyp: 3.3, vfMax: 4.0, vfLow: 2.6, ifMaxMa: 25 },
  blue: { name: "blue", vfTyp: 3.3, vfMax: 4.0, vfLow: 2.6, ifMaxMa: 25 },
} satisfies Record<string, LedColour>;

/** Lamp current target: bright enough behind smoked acrylic, gentle on the 5 V budget. */
export const lampTargetMa = 5;
