import type { Capability } from './app.ts';

/**
 * Every capability of the workspace, in the order they are wired.
 * Each folder (auth, negotiations, collab, …) exports one `register…` function.
 */
export const capabilities: Capability[] = [];
