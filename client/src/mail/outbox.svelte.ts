import { api, ApiError } from '../lib/api.ts';
import { describeError } from '../lib/errors.ts';

/** One message as the secretariat sees it: who, what, its state; never its body (links are the person's own). */
export interface OutboxMessage {
  id: string;
  kind: string;
  to: string;
  subject: string;
  state: 'pending' | 'sent' | 'failed';
  attempts: number;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
  nextAttemptAt: string | null;
}

export interface OutboxView {
  transport: 'smtp' | 'files';
  messages: OutboxMessage[];
}

/** The negotiation's outbox (`GET …/outbox`, secretariat): what was mailed, what waits, what failed. */
export class OutboxScreen {
  view = $state<OutboxView | null>(null);
  error = $state<string | null>(null);
  status = $state(0);
  loading = $state(false);

  readonly negotiationId: string;

  constructor(negotiationId: string) {
    this.negotiationId = negotiationId;
  }

  async load(): Promise<void> {
    this.loading = true;
    try {
      this.view = await api<OutboxView>('GET', `/negotiations/${this.negotiationId}/outbox`);
      this.error = null;
    } catch (err) {
      this.status = err instanceof ApiError ? err.status : 0;
      this.error = describeError(err);
    } finally {
      this.loading = false;
    }
  }

  /** Failed first, then waiting, then sent; newest first within each. */
  get sorted(): OutboxMessage[] {
    const order = { failed: 0, pending: 1, sent: 2 } as const;
    return [...(this.view?.messages ?? [])].sort((a, b) => order[a.state] - order[b.state] || b.createdAt.localeCompare(a.createdAt));
  }

  count(state: OutboxMessage['state']): number {
    return this.view?.messages.filter((m) => m.state === state).length ?? 0;
  }
}
