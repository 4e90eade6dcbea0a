import { AsyncLocalStorage } from 'node:async_hooks';

/** The command with a client id whose use case runs in this async context. */
interface CommandScope {
  key: string;
  /** Its first events are recorded (they carry the key): later ones of the same run do not. */
  tagged: boolean;
}

const scope = new AsyncLocalStorage<CommandScope>();

/** Runs `apply` as the command `key` (server/access/command-replies.ts). */
export function asCommand<T>(key: string, apply: () => Promise<T>): Promise<T> {
  return scope.run({ key, tagged: false }, apply);
}

/**
 * The key the first events recorded by this run of a command carry, once (then undefined):
 * the events' unique index on it lets a command be recorded once across every process.
 */
export function takeCommandTag(): string | undefined {
  const current = scope.getStore();
  if (!current || current.tagged) return undefined;
  current.tagged = true;
  return current.key;
}
