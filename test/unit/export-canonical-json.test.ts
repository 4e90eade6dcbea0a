import { describe, expect, it } from 'vitest';
import { canonicalJson, fingerprint, fingerprintOfJson, renderJson, sha256 } from '../../server/export/canonical-json.ts';
import { SignedSnapshotSchema } from '../../shared/snapshot.ts';
import { makeSignedSnapshot } from '../helpers/snapshot-fixture.ts';

/** The same value with every object's keys in reverse order, recursively. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reversedKeys(v)]));
  return value;
}

describe('canonical JSON', () => {
  it('sorts keys recursively, keeps arrays in order and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: [{ d: true, c: null }, 'é « x »'], ' ': -0.5 })).toBe('{" ":-0.5,"a":[{"c":null,"d":true},"é « x »"],"b":1}');
  });

  it('orders keys by UTF-16 code units, as RFC 8785 does', () => {
    expect(canonicalJson({ é: 1, z: 2, Z: 3, '\u{1f600}': 4, '\ufb01': 5 })).toBe('{"Z":3,"z":2,"é":1,"\u{1f600}":4,"\ufb01":5}');
  });

  it('does not depend on the order in which keys were inserted', () => {
    const sut = makeSignedSnapshot();
    expect(canonicalJson(reversedKeys(sut))).toBe(canonicalJson(sut));
    expect(fingerprint(reversedKeys(sut) as typeof sut)).toBe(fingerprint(sut));
  });

  it('leaves out undefined members and refuses what JSON cannot say', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(() => canonicalJson([1, undefined])).toThrow(/indéfinie/);
    expect(() => canonicalJson({ x: Number.NaN })).toThrow(/non fini/);
    expect(() => canonicalJson({ at: new Date(0) })).toThrow(/non sérialisable/);
  });

  it('hashes to a known SHA-256 (same bytes, same fingerprint, on any machine)', () => {
    // printf '{"a":[1,"é"],"b":"x"}' | sha256sum
    expect(sha256(canonicalJson({ b: 'x', a: [1, 'é'] }))).toBe('03f858b90ca41d3ed171f6c8ce0da81efeb9be0ec9b337d720c735ef286dbc99');
    expect(sha256('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(fingerprint(makeSignedSnapshot())).toBe(fingerprint(makeSignedSnapshot()));
  });

  it('changes the fingerprint when a single character of the text changes', () => {
    const sut = makeSignedSnapshot();
    const before = fingerprint(sut);
    const article = sut.text.titres[1].chapitres[0].articles[0];
    article.paragraphs[0] = (article.paragraphs[0] as string).replace('huit', 'neuf');
    expect(fingerprint(sut)).not.toBe(before);

    const weight = makeSignedSnapshot();
    weight.parties[1].weight = 38.51;
    expect(fingerprint(weight)).not.toBe(before);
  });
});

describe('the JSON export', () => {
  it('is the canonical JSON of the snapshot, and its SHA-256 is the fingerprint', () => {
    const snapshot = makeSignedSnapshot();
    const sut = renderJson(snapshot);
    expect(sha256(sut)).toBe(fingerprint(snapshot));
    expect(sut.toString('utf8')).toBe(canonicalJson(snapshot));
    expect(sut.toString('utf8')).not.toContain('\n');
  });

  it('verifies from the file alone, even re-indented', () => {
    const snapshot = makeSignedSnapshot();
    expect(fingerprintOfJson(JSON.stringify(snapshot, null, 2))).toBe(fingerprint(snapshot));
  });

  it('parses back with the snapshot schema to the very same bytes', () => {
    const file = renderJson(makeSignedSnapshot()).toString('utf8');
    const parsed = SignedSnapshotSchema.safeParse(JSON.parse(file));
    expect(parsed.success).toBe(true);
    expect(canonicalJson(parsed.data)).toBe(file);
  });
});
