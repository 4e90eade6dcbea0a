// Loading a unified-format test file: Extended JSON (canonical types kept), shape, schemaVersion.
import { readFile } from 'node:fs/promises';
import { EJSON } from 'bson';
import { isDocument } from './bson-values.ts';
import type { TestFile } from './types.ts';

/** The newest schema version this runner reads (files 1.0 … 1.28). */
export const SUPPORTED_SCHEMA_VERSION: readonly [number, number] = [1, 28];

export type LoadedFile =
  | { ok: true; file: TestFile }
  /** The file cannot be run; `descriptions` lists its tests when they could be read. */
  | { ok: false; reason: string; descriptions: string[] };

export function schemaVersionSupported(version: string): boolean {
  if (!/^\d+(\.\d+){0,2}$/.test(version)) return false;
  const [major, minor = 0] = version.split('.').map(Number);
  return major === SUPPORTED_SCHEMA_VERSION[0] && minor <= SUPPORTED_SCHEMA_VERSION[1];
}

function testDescriptions(value: unknown): string[] {
  if (!isDocument(value) || !Array.isArray(value.tests)) return [];
  return value.tests.map((t, i) => (isDocument(t) && typeof t.description === 'string' ? t.description : `test #${i + 1}`));
}

export async function loadTestFile(path: string): Promise<LoadedFile> {
  let parsed: unknown;
  try {
    parsed = EJSON.parse(await readFile(path, 'utf8'), { relaxed: false });
  } catch (error) {
    return { ok: false, reason: `cannot parse: ${(error as Error).message}`, descriptions: [] };
  }
  const descriptions = testDescriptions(parsed);
  if (!isDocument(parsed) || !Array.isArray(parsed.tests)) {
    return { ok: false, reason: 'not a unified test file (no tests array)', descriptions };
  }
  if (typeof parsed.schemaVersion !== 'string') {
    return { ok: false, reason: 'no schemaVersion', descriptions };
  }
  if (!schemaVersionSupported(parsed.schemaVersion)) {
    const [major, minor] = SUPPORTED_SCHEMA_VERSION;
    return {
      ok: false,
      reason: `unsupported schemaVersion ${parsed.schemaVersion} (this runner reads ${major}.0 to ${major}.${minor})`,
      descriptions,
    };
  }
  for (const [i, test] of parsed.tests.entries()) {
    if (!isDocument(test) || typeof test.description !== 'string' || !Array.isArray(test.operations)) {
      return { ok: false, reason: `test #${i + 1} lacks a description or an operations array`, descriptions };
    }
  }
  return { ok: true, file: parsed as unknown as TestFile };
}
