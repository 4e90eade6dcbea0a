import type { WebsocketProvider } from 'y-websocket';
import { CloseCode, isFinalClose } from '../../../shared/collab/close-codes.ts';

/**
 * How long a live document waits before its `attempt`-th reconnection in a row: doubling from
 * 100 ms up to 2.5 s (y-websocket's own schedule), from 1 s up to 10 s when the process said
 * it was busy (TRY_AGAIN_LATER), and each wait drawn between half and one and a half of that,
 * so that the crowd a restart drops at once does not come back at once.
 */
export function reconnectDelay(attempt: number, closeCode: number | null, random: () => number): number {
  const busy = closeCode === CloseCode.TRY_AGAIN_LATER;
  const [first, most] = busy ? [1_000, 10_000] : [100, 2_500];
  const base = Math.min(first * 2 ** Math.max(0, attempt - 1), most);
  return Math.round(base * (0.5 + random()));
}

/**
 * Replaces a y-websocket provider's reconnection schedule (fixed, the same for every client)
 * by `reconnectDelay`'s jittered one. The provider is told not to come back by itself, and
 * this brings it back; an ended session or mandate (isFinalClose) is left to the provider,
 * which stops. Returns the function to call before destroying the provider.
 */
export function jitterReconnection(provider: WebsocketProvider, random: () => number = Math.random): () => void {
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;
  const onClose = (event: CloseEvent | null) => {
    // Closed on purpose (disconnect, destroy), or for good: nothing to schedule.
    if (stopped || !provider.shouldConnect || (event && isFinalClose(event.code))) return;
    provider.shouldConnect = false;
    attempt++;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      if (!stopped) provider.connect();
    }, reconnectDelay(attempt, event?.code ?? null, random));
  };
  const onSync = (synced: boolean) => {
    if (synced) attempt = 0;
  };
  provider.on('connection-close', onClose);
  provider.on('sync', onSync);
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    provider.off('connection-close', onClose);
    provider.off('sync', onSync);
  };
}
