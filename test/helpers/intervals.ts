import { vi } from 'vitest';

/**
 * The intervals armed from now on and not cleared since, unref'd ones included
 * (process.getActiveResourcesInfo lists only the timers that keep the process alive).
 */
export function watchIntervals(): { armed: Set<unknown>; restore(): void } {
  const armed = new Set<unknown>();
  const { setInterval: set, clearInterval: clear } = globalThis;
  const spies = [
    vi.spyOn(globalThis, 'setInterval').mockImplementation(((...args: Parameters<typeof setInterval>) => {
      const timer = set(...args);
      armed.add(timer);
      return timer;
    }) as typeof setInterval),
    vi.spyOn(globalThis, 'clearInterval').mockImplementation((timer) => {
      armed.delete(timer);
      clear(timer);
    }),
  ];
  return { armed, restore: () => spies.forEach((spy) => spy.mockRestore()) };
}
