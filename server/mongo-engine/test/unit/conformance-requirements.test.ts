import { describe, expect, it } from 'vitest';
import { formatReport, summaryLine } from '../../conformance/report.ts';
import { compareVersions, decide, parseVersion, type ServerInfo } from '../../conformance/requirements.ts';
import { schemaVersionSupported } from '../../conformance/test-file.ts';

function server(version: string, overrides: Partial<ServerInfo> = {}): ServerInfo {
  return {
    version: parseVersion(version),
    topology: 'single',
    auth: false,
    serverless: false,
    parameter: async (name) => (name === 'enableTestCommands' ? 1 : undefined),
    ...overrides,
  };
}

describe('conformance runOnRequirements', () => {
  it('parses and compares versions component by component, ignoring pre-release tails', () => {
    expect(parseVersion('4.9.0-alpha4-271-g7d5cf02')).toEqual([4, 9, 0]);
    expect(parseVersion('4.4')).toEqual([4, 4, 0]);
    expect(compareVersions(parseVersion('4.0.10'), parseVersion('4.0.9'))).toBeGreaterThan(0);
    expect(compareVersions(parseVersion('3.6'), parseVersion('4.2.0'))).toBeLessThan(0);
  });

  it('runs when any alternative is met', async () => {
    expect(await decide(undefined, server('7.0.0'))).toEqual({ run: true });
    expect(await decide([{ minServerVersion: '4.4' }], server('7.0.0'))).toEqual({ run: true });
    const alternatives = [
      { minServerVersion: '4.0.0', topologies: ['single', 'replicaset'] },
      { minServerVersion: '4.2.0', topologies: ['sharded'] },
    ];
    expect(await decide(alternatives, server('7.0.0'))).toEqual({ run: true });
    expect(await decide([{ maxServerVersion: '7.0.99' }], server('7.0.5'))).toEqual({ run: true });
  });

  it('skips what a standalone single node cannot meet', async () => {
    const topology = await decide([{ topologies: ['sharded', 'load-balanced'] }], server('7.0.0'));
    expect(topology).toMatchObject({ run: false, skip: true });
    const maxVersion = await decide([{ minServerVersion: '3.6.0', maxServerVersion: '4.2.99' }], server('7.0.0'));
    expect(maxVersion).toMatchObject({ run: false, skip: true, reason: 'needs server <= 4.2.99, server is 7.0.0' });
    expect(await decide([{ serverless: 'require' }], server('7.0.0'))).toMatchObject({ run: false, skip: true });
    expect(await decide([{ serverless: 'forbid' }], server('7.0.0'))).toEqual({ run: true });
    expect(await decide([{ auth: true }], server('7.0.0'))).toMatchObject({ run: false, skip: true });
    expect(await decide([{ csfle: true }], server('7.0.0'))).toMatchObject({ run: false, skip: true });
  });

  it('fails, rather than skips, what the server could meet: a newer minimum version, a server parameter', async () => {
    expect(await decide([{ minServerVersion: '8.0' }], server('7.0.0'))).toMatchObject({
      run: false,
      skip: false,
      reason: 'needs server >= 8.0, server is 7.0.0',
    });
    expect(await decide([{ serverParameters: { enableTestCommands: 1 } }], server('7.0.0'))).toEqual({ run: true });
    expect(await decide([{ serverParameters: { unknownParameter: true } }], server('7.0.0'))).toMatchObject({
      run: false,
      skip: false,
    });
  });

  it('skips only when every alternative has a condition a single node cannot meet', async () => {
    const alternatives = [
      { minServerVersion: '9.0', topologies: ['single'] },
      { topologies: ['sharded'] },
    ];
    expect(await decide(alternatives, server('7.0.0'))).toMatchObject({ run: false, skip: false });
    expect(await decide([{ topologies: ['replicaset'] }, { topologies: ['sharded'] }], server('7.0.0'))).toMatchObject({
      run: false,
      skip: true,
    });
  });
});

describe('conformance schema versions and report lines', () => {
  it('reads schema versions 1.0 to 1.28, not 2.x or malformed ones', () => {
    expect(schemaVersionSupported('1.0')).toBe(true);
    expect(schemaVersionSupported('1.21')).toBe(true);
    expect(schemaVersionSupported('1.28')).toBe(true);
    expect(schemaVersionSupported('1.29')).toBe(false);
    expect(schemaVersionSupported('2.0')).toBe(false);
    expect(schemaVersionSupported('one')).toBe(false);
  });

  it('prints PASS/FAIL/SKIP lines and the closing count', () => {
    expect(formatReport({ file: 'a.json', description: 'd', verdict: 'pass', notes: [] })).toBe('PASS a.json › d');
    expect(formatReport({ file: 'a.json', description: 'd', verdict: 'fail', reason: 'x\n  y', notes: [] })).toBe(
      'FAIL a.json › d — x y',
    );
    expect(formatReport({ file: 'a.json', description: 'd', verdict: 'skip', reason: 'why', notes: [] })).toBe(
      'SKIP a.json › d — why',
    );
    expect(summaryLine({ passed: 3, failed: 1, skipped: 0 })).toBe('3 passed, 1 failed');
    expect(summaryLine({ passed: 3, failed: 0, skipped: 2 })).toBe('3 passed, 0 failed, 2 skipped');
  });
});
