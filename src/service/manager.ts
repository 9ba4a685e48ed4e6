// The narrow interface the `service` command uses; one implementation per service manager.
import type { ServiceSpec } from './spec.js';

/** A failure the user can act on: printed as one line. */
export class ServiceError extends Error {}

export interface ServiceStatus {
  installed: boolean;
  /** Starts at login. */
  enabled: boolean;
  /** Running now. */
  active: boolean;
  /** The service manager's own word for the state (active, inactive, failed, running, ...). */
  state: string;
  file: string;
  /** Where the logs are: a command or a folder. */
  logs: string;
  /** The arguments after the bin script in the installed unit, or null. */
  args: string[] | null;
}

export interface ServiceManager {
  readonly kind: 'systemd' | 'launchd';
  /** The unit or agent file this manager writes. */
  readonly file: string;
  readonly logs: string;
  /** Writes the unit and (re)starts it; safe to repeat. */
  install(spec: ServiceSpec): Promise<{ reinstalled: boolean }>;
  /** Stops the service and removes what install wrote; `removed` is empty when nothing was installed. */
  uninstall(): Promise<{ removed: string[] }>;
  status(): Promise<ServiceStatus>;
}
