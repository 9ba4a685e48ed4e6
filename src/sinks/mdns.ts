// Announces the daemon on the local network (mDNS/DNS-SD), so the ESP32 finds it with no
// address typed in: service type _claude-gauge._tcp, TXT path=/device.
import os from 'node:os';
import { Bonjour } from 'bonjour-service';

export const SERVICE_TYPE = 'claude-gauge';

export interface Advert {
  stop(): Promise<void>;
}

export function advertise(port: number, log?: (m: string) => void): Advert {
  const bonjour = new Bonjour({}, (err: Error) => log?.(`mDNS: ${err.message}`));
  const service = bonjour.publish({
    name: `claude-gauge on ${os.hostname()}`,
    type: SERVICE_TYPE,
    port,
    txt: { path: '/device', usage: '/usage', v: '1' },
  });
  service.on('error', (err: Error) => log?.(`mDNS: ${err.message}`));
  let stopping: Promise<void> | null = null;
  return {
    stop: () =>
      (stopping ??= new Promise<void>((done) => {
        bonjour.unpublishAll(() => {
          bonjour.destroy();
          done();
        });
      })),
  };
}

/** Loopback-only servers are not reachable from a device: nothing to announce. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
