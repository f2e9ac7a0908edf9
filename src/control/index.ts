// Remote control on the customer's page: who holds it (lease.ts), what the agent may touch (guard.ts)
// and the agent's input replayed as a person's (replay.ts). `enableRemoteControl()` hands it to this
// page's sharing sessions (session/control-port.ts): `cobrowse-rtc/sharer` calls it when it loads;
// with the main entry a site calls it itself. The sharer core leaves all of it out.
import { provideRemoteControl } from '../session/control-port.js';
import { RemoteControl } from './remote-control.js';

/** Lets this page's sharing sessions offer remote control (each request is still the customer's to grant). */
export function enableRemoteControl(): void {
  provideRemoteControl((options, hooks) => new RemoteControl(options, hooks));
}
