// Placeholder: the embedded MongoDB-wire-compatible engine is being built (see README).
export interface EngineOptions {
  /** Data directory (journal and snapshots). */
  dir: string;
  /** Loopback port; 0 picks a free one. */
  port?: number;
  host?: string;
}

export interface RunningEngine {
  uri: string;
  port: number;
  close(): Promise<void>;
}

export async function startEngine(_options: EngineOptions): Promise<RunningEngine> {
  throw new Error('embedded engine not implemented yet');
}
