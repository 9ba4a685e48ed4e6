// The cluster's circuit: ESP32 DevKit V1, 74HCT level shifters, the quad driver and four X27.168
// motors, seven lamp channels through a ULN2003A. Net names on the ESP32 side are the firmware's
// function names (pins.h: Step1 -> net STEP1), so the netlist can be checked against the header.
import { Circuit } from "@tscircuit/core";
import { cloneElement, type ReactElement } from "react";
import { lampResistor } from "./calc.js";
import { colours } from "./datasheets.js";
import * as pinout from "./pinouts.js";
import { readPinMap, netOf } from "./pins-h.js";

const { pinLabels, pinNumber } = pinout;

/** One wire from a part's pin to a named net. */
function Wire(props: { part: string; pin: number; net: string }) {
  return <trace from={`.${props.part} > .pin${props.pin}`} to={`net.${props.net}`} />;
}

/** React wants a key on every element of a list; the wires have no better one than their place. */
const keyed = (list: ReactElement[]) => list.map((el, i) => cloneElement(el, { key: i }));

const gpioPin = (gpio: number) => pinNumber(pinout.devkit, `GPIO${gpio}`);

// Gauge channel n (1-4): the driver's inputs and the '245 buffer (A side in, B side out) it uses.
const channels = ["A", "B", "C", "D"].map((ch, i) => ({
  ch,
  motor: `M${i + 1}`,
  step: { fn: `Step${i + 1}`, buf: 2 * i + 1, driverPin: pinNumber(pinout.driver, `FSCX_${ch}`) },
  dir: { fn: `Dir${i + 1}`, buf: 2 * i + 2, driverPin: pinNumber(pinout.driver, `CW_${ch}`) },
}));

// Lamp channels in cg::LampChannel order, each on its own ULN2003A input.
export const lamps = [
  { fn: "ModelR", led: "D1", ledPin: pinNumber(pinout.rgbLed, "RED_K"), colour: colours.red },
  { fn: "ModelG", led: "D1", ledPin: pinNumber(pinout.rgbLed, "GREEN_K"), colour: colours.green },
  { fn: "ModelB", led: "D1", ledPin: pinNumber(pinout.rgbLed, "BLUE_K"), colour: colours.blue },
  { fn: "Hot", led: "D2", colour: colours.red, mpn: "WP7113SRC/D" },
  { fn: "Warn", led: "D3", colour: colours.amber, mpn: "WP7113SYD" },
  { fn: "Stall", led: "D4", colour: colours.blue, mpn: "WP7113QBC/D" },
  { fn: "Idle", led: "D5", colour: colours.green, mpn: "WP7113ZGC" },
].map((l, i) => ({ ...l, uln: i + 1, resistor: `R${i + 3}`, ohms: lampResistor(l.colour).ohms }));

export function buildCluster(): InstanceType<typeof Circuit> {
  const firmware = new Map(readPinMap().map((p) => [p.fn, p.gpio]));
  const gpioOf = (fn: string) => {
    const g = firmware.get(fn);
    if (g === undefined) throw new Error(`pins.h has no ${fn}`);
    return g;
  };
  const c = new Circuit();
  c.add(
    <board width="160mm" height="100mm" routingDisabled>
      <chip name="U1" manufacturerPartNumber="ESP32-DEVKIT-V1-30P (DOIT, ESP32-WROOM-32)"
        footprint="dip30_w25.4mm" pinLabels={pinLabels(pinout.devkit)} schX={-30} schY={0} />
      <chip name="U2" manufacturerPartNumber="AX1201728SG" footprint="soic28"
        pinLabels={pinLabels(pinout.driver)} schX={18} schY={8} />
      <chip name="U3" manufacturerPartNumber="SN74HCT245N" footprint="dip20"
        pinLabels={pinLabels(pinout.hct245)} schX={-6} schY={10} />
      <chip name="U4" manufacturerPartNumber="SN74HCT125N" footprint="dip14"
        pinLabels={pinLabels(pinout.hct125)} schX={-6} schY={-2} />
      <chip name="U5" manufacturerPartNumber="ULN2003AN" footprint="dip16"
        pinLabels={pinLabels(pinout.uln2003)} schX={-6} schY={-12} />
      {channels.map((g, i) => (
        <chip key={g.motor} name={g.motor} footprint="pinrow4" manufacturerPartNumber="X27.168" pinLabels={pinLabels(pinout.x27)}
          schX={34} schY={14 - i * 5} />
      ))}
      <chip name="D1" footprint="pinrow4" manufacturerPartNumber="WP154A4SEJ3VBDZGW/CA" pinLabels={pinLabels(pinout.rgbLed)}
        schX={14} schY={-14} />
      {lamps.filter((l) => l.led !== "D1").map((l, i) => (
        <led key={l.led} name={l.led} footprint="axial" color={l.colour.name} manufacturerPartNumber={l.mpn} schX={10 + i * 3} schY={-20} />
      ))}
      {lamps.map((l, i) => (
        <resistor key={l.resistor} name={l.resistor} resistance={l.ohms} footprint="axial"
          manufacturerPartNumber={`CFR-25JB-52-${l.ohms}R`} schX={4} schY={-9 - i * 1.5} />
      ))}
      <resistor name="R1" resistance="10k" footprint="axial" manufacturerPartNumber="CFR-25JB-52-10K" schX={-14} schY={-6} />
      <resistor name="R2" resistance="10k" footprint="axial" manufacturerPartNumber="CFR-25JB-52-10K" schX={6} schY={-4} />
      <capacitor name="C1" capacitance="100nF" footprint="axial" manufacturerPartNumber="K104K15X7RF5TL2" schX={26} schY={20} />
      <capacitor name="C2" capacitance="100nF" footprint="axial" manufacturerPartNumber="K104K15X7RF5TL2" schX={28} schY={20} />
      <capacitor name="C3" capacitance="47uF" footprint="axial" polarized manufacturerPartNumber="EEU-FR1C470" schX={30} schY={20} />
      <capacitor name="C4" capacitance="100nF" footprint="axial" manufacturerPartNumber="K104K15X7RF5TL2" schX={-8} schY={18} />
      <capacitor name="C5" capacitance="100nF" footprint="axial" manufacturerPartNumber="K104K15X7RF5TL2" schX={-4} schY={18} />

      {/* Power: USB 5 V through the DevKit's VIN pin feeds the driver, the buffers, the lamps. */}
      <Wire part="U1" pin={pinNumber(pinout.devkit, "VIN")} net="V5" />
      <Wire part="U1" pin={pinNumber(pinout.devkit, "GND_L")} net="GND" />
      <Wire part="U1" pin={pinNumber(pinout.devkit, "GND_R")} net="GND" />
      <Wire part="U2" pin={pinNumber(pinout.driver, "VDD")} net="V5" />
      <Wire part="U2" pin={pinNumber(pinout.driver, "VDD2")} net="V5" />
      <Wire part="U2" pin={pinNumber(pinout.driver, "VSS")} net="GND" />
      <Wire part="C1" pin={1} net="V5" /><Wire part="C1" pin={2} net="GND" />
      <Wire part="C2" pin={1} net="V5" /><Wire part="C2" pin={2} net="GND" />
      <Wire part="C3" pin={1} net="V5" /><Wire part="C3" pin={2} net="GND" />
      <Wire part="C4" pin={1} net="V5" /><Wire part="C4" pin={2} net="GND" />
      <Wire part="C5" pin={1} net="V5" /><Wire part="C5" pin={2} net="GND" />

      {/* '245: always A -> B (DIR high), always enabled (OE low). */}
      <Wire part="U3" pin={pinNumber(pinout.hct245, "VCC")} net="V5" />
      <Wire part="U3" pin={pinNumber(pinout.hct245, "GND")} net="GND" />
      <Wire part="U3" pin={pinNumber(pinout.hct245, "DIR")} net="V5" />
      <Wire part="U3" pin={pinNumber(pinout.hct245, "OE_N")} net="GND" />
      {keyed(channels.flatMap((g) => [g.step, g.dir].flatMap((s) => [
        <Wire part="U1" pin={gpioPin(gpioOf(s.fn))} net={netOf(s.fn)} />,
        <Wire part="U3" pin={pinNumber(pinout.hct245, `A${s.buf}`)} net={netOf(s.fn)} />,
        <Wire part="U3" pin={pinNumber(pinout.hct245, `B${s.buf}`)} net={`${netOf(s.fn)}_5V`} />,
        <Wire part="U2" pin={s.driverPin} net={`${netOf(s.fn)}_5V`} />,
      ])))}

      {/* RESET: GPIO23 -> '125 gate 1 -> driver RESET. Pull-downs on both sides hold the driver in
          reset while the ESP32 boots with GPIO23 floating. Unused gates: inputs and enables to GND. */}
      <Wire part="U4" pin={pinNumber(pinout.hct125, "VCC")} net="V5" />
      <Wire part="U4" pin={pinNumber(pinout.hct125, "GND")} net="GND" />
      <Wire part="U1" pin={gpioPin(gpioOf("DriverReset"))} net="DRIVER_RESET" />
      <Wire part="U4" pin={pinNumber(pinout.hct125, "A1")} net="DRIVER_RESET" />
      <Wire part="R1" pin={1} net="DRIVER_RESET" /><Wire part="R1" pin={2} net="GND" />
      <Wire part="U4" pin={pinNumber(pinout.hct125, "OE1_N")} net="GND" />
      <Wire part="U4" pin={pinNumber(pinout.hct125, "Y1")} net="DRIVER_RESET_5V" />
      <Wire part="U2" pin={pinNumber(pinout.driver, "RESET")} net="DRIVER_RESET_5V" />
      <Wire part="R2" pin={1} net="DRIVER_RESET_5V" /><Wire part="R2" pin={2} net="GND" />
      {keyed([2, 3, 4].flatMap((n) => [
        <Wire part="U4" pin={pinNumber(pinout.hct125, `A${n}`)} net="GND" />,
        <Wire part="U4" pin={pinNumber(pinout.hct125, `OE${n}_N`)} net="GND" />,
      ]))}

      {/* Motors: OUT1-OUT4 of each channel to motor pins 1-4 (coil 1 = 1-2, coil 2 = 3-4). */}
      {keyed(channels.flatMap((g) => [1, 2, 3, 4].map((n) => (
        <trace from={`.U2 > .pin${pinNumber(pinout.driver, `OUT${n}${g.ch}`)}`} to={`.${g.motor} > .pin${n}`} />
      ))))}

      {/* Lamps: GPIO -> ULN2003A input; its output sinks the LED's cathode through the resistor;
          anodes on 5 V. COM to 5 V as the datasheet's clamp. */}
      <Wire part="U5" pin={pinNumber(pinout.uln2003, "GND")} net="GND" />
      <Wire part="U5" pin={pinNumber(pinout.uln2003, "COM")} net="V5" />
      <Wire part="D1" pin={pinNumber(pinout.rgbLed, "ANODE")} net="V5" />
      {keyed(lamps.flatMap((l) => [
        <Wire part="U1" pin={gpioPin(gpioOf(l.fn))} net={netOf(l.fn)} />,
        <Wire part="U5" pin={pinNumber(pinout.uln2003, `IN${l.uln}`)} net={netOf(l.fn)} />,
        <Wire part="U5" pin={pinNumber(pinout.uln2003, `OUT${l.uln}`)} net={`${netOf(l.fn)}_SINK`} />,
        <Wire part={l.resistor} pin={1} net={`${netOf(l.fn)}_SINK`} />,
        l.led === "D1"
          ? <Wire part={l.resistor} pin={2} net={`${netOf(l.fn)}_K`} />
          : <trace from={`.${l.resistor} > .pin2`} to={`.${l.led} > .cathode`} />,
        ...(l.led === "D1"
          ? [<Wire part="D1" pin={l.ledPin!} net={`${netOf(l.fn)}_K`} />]
          : [<trace from={`.${l.led} > .anode`} to="net.V5" />]),
      ]))}
    </board>,
  );
  c.render();
  return c;
}
