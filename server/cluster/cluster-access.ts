import type { AccessEnd, LiveAccess } from '../auth/live-access.ts';
import type { ClusterBus } from './bus.ts';

const CHANNEL = 'access-ended';

/**
 * Access ends on every process at once: each signal raised here (a sign-out, a new password,
 * a revocation) is published, and the others' signals close this process's connections.
 * A signal lost while Redis is down is caught by the registry's own sweep against the
 * database; the sweep also runs as soon as Redis is back.
 */
export function shareAccessEnds(live: LiveAccess, bus: ClusterBus): () => void {
  const offs = [
    live.onEnded((end) => bus.publish(CHANNEL, JSON.stringify(end))),
    bus.subscribe(CHANNEL, (body) => live.apply(JSON.parse(body.toString()) as AccessEnd)),
    bus.onUp(() => void live.sweep()),
  ];
  return () => offs.forEach((off) => off());
}
