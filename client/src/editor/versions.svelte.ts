import type { Comparison, VersionSummary, VersionText } from '../../../shared/text-diff.ts';
import { applyVersionEvents, withVersions } from '../../../shared/versions/version.fold.ts';
import { api } from '../lib/api.ts';
import { connection, type NegotiationStream } from '../lib/connection.svelte.ts';
import { describeError } from '../lib/errors.ts';

/**
 * The version panel's state: the list (read once, then kept by the negotiation's
 * `version:created` events), taking a version, reading one, comparing two.
 */
export class Versions {
  list = $state<VersionSummary[]>([]);
  error = $state<string | null>(null);
  busy = $state(false);
  comparison = $state<Comparison | null>(null);
  reading = $state<VersionText | null>(null);

  readonly negotiationId: string;
  private readonly stream: NegotiationStream;
  private readonly stop: () => void;

  constructor(negotiationId: string) {
    this.negotiationId = negotiationId;
    this.stream = connection.follow(negotiationId);
    this.stop = this.stream.on((events) => (this.list = applyVersionEvents(this.list, events)));
  }

  destroy(): void {
    this.stop();
  }

  private get base(): string {
    return `/negotiations/${encodeURIComponent(this.negotiationId)}`;
  }

  private async run(fn: () => Promise<void>): Promise<void> {
    this.busy = true;
    this.error = null;
    try {
      await fn();
    } catch (err) {
      this.error = describeError(err);
    } finally {
      this.busy = false;
    }
  }

  load(): Promise<void> {
    return this.run(async () => {
      const list = await api<VersionSummary[]>('GET', `${this.base}/versions`);
      // Versions announced while the list was on its way are kept.
      this.list = withVersions(list, this.list);
    });
  }

  create(name: string, reason: string): Promise<void> {
    return this.run(async () => {
      const created = await api<VersionSummary>('POST', `${this.base}/versions`, { name, reason: reason || undefined });
      // The answer comes before or after its event: the list takes the version once either way.
      this.list = withVersions(this.list, [created]);
    });
  }

  compare(from: string, to: string): Promise<void> {
    return this.run(async () => {
      this.reading = null;
      const query = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
      this.comparison = await api<Comparison>('GET', `${this.base}/compare?${query}`);
    });
  }

  read(versionId: string): Promise<void> {
    return this.run(async () => {
      this.comparison = null;
      this.reading = await api<VersionText>('GET', `${this.base}/versions/${encodeURIComponent(versionId)}`);
    });
  }

  closeView(): void {
    this.comparison = null;
    this.reading = null;
  }
}
