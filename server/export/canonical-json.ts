import { createHash } from 'node:crypto';
import type { SignedSnapshot } from '../../shared/snapshot.ts';

/**
 * Canonical JSON and the fingerprint of a signed-version snapshot.
 *
 * The scheme (what a verifier needs to know):
 *
 * 1. The JSON export is the canonical JSON of the snapshot object itself, nothing around it:
 *    object keys sorted by UTF-16 code units, recursively; arrays kept in order; no
 *    whitespace between tokens; strings and numbers written as ECMAScript `JSON.stringify`
 *    writes them; encoded in UTF-8 without BOM and without a trailing newline. For the values a
 *    snapshot holds (strings, finite numbers, booleans, null, arrays, plain objects) this is
 *    RFC 8785 (JSON Canonicalization Scheme).
 * 2. The fingerprint is the SHA-256 of those bytes, in lower-case hex. So the file alone
 *    proves itself: `sha256sum export.json` prints the fingerprint that the PDF, DOCX and
 *    Akoma Ntoso exports carry as text and metadata. A file that was re-indented or had its
 *    keys reordered still verifies by parsing it and canonicalising it again
 *    (`fingerprintOfJson`).
 *
 * The fingerprint is never stored inside the JSON export: it cannot be part of what it hashes.
 */

/** Serialises a JSON value canonically. Refuses what JSON cannot say exactly. */
export function canonicalJson(value: unknown): string {
  return write(value, '$');
}

function write(value: unknown, path: string): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`JSON canonique : nombre non fini en ${path}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value
      .map((item, i) => {
        if (item === undefined) throw new TypeError(`JSON canonique : valeur indéfinie en ${path}[${i}]`);
        return write(item, `${path}[${i}]`);
      })
      .join(',')}]`;
  }
  if (typeof value === 'object' && isPlainObject(value)) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined) // an absent field and an undefined one are the same snapshot
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${write(v, `${path}.${k}`)}`).join(',')}}`;
  }
  throw new TypeError(`JSON canonique : valeur non sérialisable (${typeof value}) en ${path}`);
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** SHA-256 of a string's UTF-8 bytes (or of bytes), lower-case hex. */
export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The JSON export of a snapshot: its canonical JSON, as UTF-8 bytes. */
export function renderJson(snapshot: SignedSnapshot): Buffer {
  return Buffer.from(canonicalJson(snapshot), 'utf8');
}

/** The fingerprint of a snapshot: SHA-256 of its JSON export. */
export function fingerprint(snapshot: SignedSnapshot): string {
  return sha256(renderJson(snapshot));
}

/**
 * The fingerprint of a JSON file's content, whatever its formatting: parse, canonicalise,
 * hash. Equal to `sha256(file)` when the file is an untouched export.
 */
export function fingerprintOfJson(text: string): string {
  return sha256(canonicalJson(JSON.parse(text)));
}
