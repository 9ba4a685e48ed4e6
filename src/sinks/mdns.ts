// Announces the daemon on the local network (mDNS/DNS-SD), so the ESP32 finds it with no
// address typed in: service type _claude-gauge._tcp, TXT path=/device.
import os from 'node:os';
import { Bonjour } from 'bonjour-service';

export const SERVICE_TYPE = 'claude-gauge';
/** How long to listen for names already in use before choosing ours. */
const LOOK_MS = 1000;

export interface Advert {
  stop(): Promise<void>;
}

export interface AdvertOptions {
  log?: (m: string) => void;
  /** Told the name once the network has been told (not before: "announced" must be true). */
  onUp?: (name: string) => void;
  lookMs?: number;
}

export function advertise(port: number, o: AdvertOptions = {}): Advert {
  const bonjour = new Bonjour({}, (err: Error) => o.log?.(`mDNS: ${err.message}`));
  let stopped = false;
  let stopping: Promise<void> | null = null;
  // bonjour-service prints a stack trace on stdout when its own probe finds the name taken (a second
  // daemon on this machine, or a machine with the same host name), so we look first and take a free
  // name, then publish without its probe.
  const browser = bonjour.find({ type: SERVICE_TYPE });
  const look = setTimeout(() => {
    const taken = new Set(browser.services.map((s) => s.name.toLowerCase()));
    browser.stop();
    if (stopped) return;
    const name = freeName(`claude-gauge on ${os.hostname()}`, taken);
    const service = bonjour.publish({ name, type: SERVICE_TYPE, port, probe: false, txt: { path: '/device', usage: '/usage', v: '1' } });
    service.on('error', (err: Error) => o.log?.(`mDNS: ${err.message}`));
    service.on('up', () => o.onUp?.(name));
  }, o.lookMs ?? LOOK_MS);
  return {
    stop: () =>
      (stopping ??= new Promise<void>((done) => {
        stopped = true;
        clearTimeout(look);
        browser.stop();
        bonjour.unpublishAll(() => {
          bonjour.destroy();
          done();
        });
      })),
  };
}

/** The base name, or "base (2)", "base (3)"... whichever nobody on the network uses. */
export function freeName(base: string, taken: ReadonlySet<string>): string {
  for (let n = 1; ; n++) {
    const name = n === 1 ? base : `${base} (${n})`;
    if (!taken.has(name.toLowerCase())) return name;
  }
}

/** Loopback-only servers are not reachable from a device: nothing to announce. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
