import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// The real command, as a secretariat runs it: `node scripts/validity.ts FILE` (Node strips the types).
const NODE = process.execPath;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'negociation-validity-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], stdin?: string, command = NODE): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

function file(name: string, content: unknown): string {
  const target = path.join(dir, name);
  fs.writeFileSync(target, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return target;
}

// DOMAIN.md's example, verbatim.
const DOMAIN_EXAMPLE = `{ "level": "branch",
  "organisations": [
    { "id": "axess", "college": "employer", "weight": 100,   "representative": true },
    { "id": "cfdt",  "college": "union",    "weight": 38.5,  "representative": true },
    { "id": "cgt",   "college": "union",    "weight": 35.18, "representative": true },
    { "id": "fo",    "college": "union",    "weight": 14.69, "representative": true },
    { "id": "sud",   "college": "union",    "weight": 11.63, "representative": true } ],
  "signatures":    [ { "org": "axess", "at": "2023-09-26" }, { "org": "cfdt", "at": "2023-09-26" } ],
  "notifications": [ { "org": "cgt", "at": "2023-09-28" }, { "org": "fo", "at": "2023-09-28" },
                     { "org": "sud", "at": "2023-09-28" } ],
  "oppositions":   [ { "org": "cgt", "at": "2023-10-10" }, { "org": "fo", "at": "2023-10-11" },
                     { "org": "sud", "at": "2023-10-12" } ],
  "asOf": "2023-10-20" }`;

const EXPECTED = {
  status: 'void',
  signatureWeight: 38.5,
  signatureTestPassed: true,
  oppositionWeight: 61.5,
  oppositionMajority: true,
  oppositionDeadline: '2023-10-13',
};

function expectDomainAssessment(out: Run) {
  expect(out.stderr).toBe('');
  expect(out.code).toBe(0);
  const assessment = JSON.parse(out.stdout);
  expect(assessment).toMatchObject(EXPECTED);
  expect(Object.keys(assessment).slice(0, 7)).toEqual([...Object.keys(EXPECTED), 'reasons']);
  expect(assessment.reasons.length).toBeGreaterThan(0);
  expect(assessment.reasons.every((r: unknown) => typeof r === 'string' && r.length > 0)).toBe(true);
  expect(assessment.deadlines).toEqual(
    ['cgt', 'fo', 'sud'].map((org) => ({ org, notifiedAt: '2023-09-28', nominalDeadline: '2023-10-13', deadline: '2023-10-13', state: 'closed' })),
  );
}

describe('node scripts/validity.ts', () => {
  const example = file('domain.json', DOMAIN_EXAMPLE);
  const scenario = JSON.parse(DOMAIN_EXAMPLE);

  it('assesses the DOMAIN.md example: void, 38.5 signed, 61.5 opposed, deadline 2023-10-13', async () => {
    expectDomainAssessment(await run(['scripts/validity.ts', example]));
  });

  it('reads the scenario from stdin with « - »', async () => {
    expectDomainAssessment(await run(['scripts/validity.ts', '-'], DOMAIN_EXAMPLE));
  });

  it('answers through npm run validity -- FILE', async () => {
    expectDomainAssessment(await run(['run', '--silent', 'validity', '--', example], undefined, 'npm').then((r) => ({
      ...r,
      // npm itself may warn about the machine's configuration; the command's own stderr is what matters.
      stderr: r.stderr.split('\n').filter((l) => l && !l.startsWith('npm warn')).join('\n'),
    })));
  });

  it.each([
    ['a missing file', () => path.join(dir, 'nope.json'), /fichier introuvable : .*nope\.json/],
    ['a directory', () => dir, /répertoire/],
    ['invalid JSON', () => file('broken.json', '{ "level": "branch", '), /JSON invalide dans .*broken\.json/],
    ['an empty file', () => file('empty.json', ''), /JSON invalide/],
    ['an unknown organisation in a signature', () => file('unknown.json', { ...scenario, signatures: [...scenario.signatures, { org: 'cftc', at: '2023-09-26' }] }), /signatures\[2\]\.org : signature : organisation inconnue « cftc »/],
    [
      'union weights not summing to 100',
      () => file('sum.json', { ...scenario, organisations: scenario.organisations.map((o: any) => (o.id === 'sud' ? { ...o, weight: 11.5 } : o)) }),
      /totalisent 99,87\u202f% au lieu de 100\u202f%/,
    ],
    ['a date that does not exist', () => file('date.json', { ...scenario, asOf: '2023-10-32' }), /asOf : date invalide "2023-10-32"/],
    ['an organisation listed twice', () => file('dup.json', { ...scenario, organisations: [...scenario.organisations, scenario.organisations[1]] }), /« cfdt » en double/],
    ['a weight with three decimals', () => file('decimals.json', { ...scenario, organisations: scenario.organisations.map((o: any) => (o.id === 'cgt' ? { ...o, weight: 35.175 } : o)) }), /deux décimales au plus/],
  ])('refuses %s: a message on stderr, nothing on stdout, exit 2', async (_name, target, message) => {
    const out = await run(['scripts/validity.ts', target()]);
    expect(out.code).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(message);
    expect(out.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
    expect(out.stderr.trim().split('\n').length).toBeLessThanOrEqual(5);
  });

  it('without an argument, prints the usage and exits 2', async () => {
    const out = await run(['scripts/validity.ts']);
    expect(out.code).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(/Usage/);
  });
});
