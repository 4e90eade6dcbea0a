import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERVER_NODE_FLAGS } from '../../server/node-flags.ts';

describe('the server’s Node.js flags', () => {
  it('are the ones `npm start` passes (the benchmark measures the server as it runs)', () => {
    const { scripts } = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
    for (const flag of SERVER_NODE_FLAGS) expect(scripts.start.split(' ')).toContain(flag);
  });
});
