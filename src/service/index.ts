// Picks the service manager of this platform; null where none is supported yet.
import { Launchd } from './launchd.js';
import type { ServiceManager } from './manager.js';
import { runCommand, type Runner } from './runner.js';
import { Systemd } from './systemd.js';

export function managerFor(platform: NodeJS.Platform = process.platform, run: Runner = runCommand): ServiceManager | null {
  if (platform === 'linux') return new Systemd(run);
  if (platform === 'darwin') return new Launchd(run);
  return null;
}

export { ServiceError, type ServiceManager, type ServiceStatus } from './manager.js';
export { serviceSpec, flagValue, type ServiceSpec } from './spec.js';
