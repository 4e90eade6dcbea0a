/**
 * The Node.js flags the workspace server runs with (`npm start` passes them; the events
 * benchmark starts its server child with them too).
 *
 * `--max-semi-space-size=32` (MB): V8's young generation is small by default (16 MB
 * semi-spaces on 64-bit), so objects that live a few hundred milliseconds under load (a
 * command's events waiting for the journal's fsync, packets queued for fifty sockets) are
 * promoted to the old generation and die there, and the major collections that follow stop
 * the event loop for tens of milliseconds: measured, p99 command → event latency at 500
 * commands/s went from 50–120 ms to 12–15 ms with this flag, for about 48 MB more memory.
 */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=32'] as const;
