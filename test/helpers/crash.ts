import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Runs a writer script and SIGKILLs it after N acknowledged writes (the engine's own helper).
export { killAfterAcks } from '@negociation/mongo-engine/testing';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Absolute module paths for a writer script written to a temporary directory. */
export const modulePath = (relative: string) => JSON.stringify(path.join(root, relative));
/** `createRequire` for the project's own packages, from a script outside the project. */
export const requireFromProject = `(await import('node:module')).createRequire(${modulePath('package.json')})`;
