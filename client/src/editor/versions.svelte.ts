import type { Comparison, VersionSummary, VersionText } from '../../../shared/text-diff.ts';
import { api } from '../lib/api.ts';
import { describeError } from '../lib/errors.ts';

/** The version panel's state: the list, taking a version, reading one, comparing two. */
export class Versions {
  list = $state<VersionSummary[]>([]);
  error = $state<string | null>(null);
  busy = $state(false);
  comparison = $state<Comparison | null>(null);
  reading = $state<VersionText | null>(null);

  readonly negotiationId: string;

  constructor(negotiationId: string) {
    this.negotiationId = negotiationId;
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
      this.list = await api<VersionSummary[]>('GET', `${this.base}/versions`);
    });
  }

  create(name: string, reason: string): Promise<void> {
    return this.run(async () => {
      await api('POST', `${this.base}/versions`, { name, reason: reason || undefined });
      this.list = await api<VersionSummary[]>('GET', `${this.base}/versions`);
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
