import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../server/export/canonical-json.ts';
import { EXPORT_FORMATS, renderExport, verifyExport } from '../../server/export/exports.ts';
import { makeSignedSnapshot } from '../helpers/snapshot-fixture.ts';

/** The same bytes with one byte changed. */
function flipOneByte(file: Buffer, at: number): Buffer {
  const copy = Buffer.from(file);
  copy[at] = copy[at] === 0x41 ? 0x42 : 0x41;
  return copy;
}

describe('the exports of a signed snapshot', () => {
  it('come in four formats, each with its media type, a file name and the fingerprint', async () => {
    const snapshot = makeSignedSnapshot();
    const sut = await Promise.all(EXPORT_FORMATS.map((format) => renderExport(snapshot, format)));
    expect(sut.map((e) => e.contentType)).toEqual([
      'application/json; charset=utf-8',
      'application/pdf',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'application/akn+xml; charset=utf-8',
    ]);
    expect(sut.map((e) => e.fileName)).toEqual([
      'avenant-n-1-a-l-accord-cppni-2023-09-26.json',
      'avenant-n-1-a-l-accord-cppni-2023-09-26.pdf',
      'avenant-n-1-a-l-accord-cppni-2023-09-26.docx',
      'avenant-n-1-a-l-accord-cppni-2023-09-26.akn.xml',
    ]);
    expect(new Set(sut.map((e) => e.fingerprint))).toEqual(new Set([fingerprint(snapshot)]));
  });

  it('verify a JSON file against the stored snapshot, even re-indented, and refuse a changed one', async () => {
    const snapshot = makeSignedSnapshot();
    const file = (await renderExport(snapshot, 'json')).body;
    expect(await verifyExport(snapshot, 'json', file)).toBe(true);
    expect(await verifyExport(snapshot, 'json', Buffer.from(JSON.stringify(JSON.parse(file.toString()), null, 2)))).toBe(true);
    expect(await verifyExport(snapshot, 'json', Buffer.from(file.toString().replace('38.5', '38.6')))).toBe(false);
    expect(await verifyExport(snapshot, 'json', Buffer.from('pas du JSON'))).toBe(false);
  });

  it('verify a PDF or an Akoma Ntoso file byte for byte, and refuse one changed byte', async () => {
    const snapshot = makeSignedSnapshot();
    for (const format of ['pdf', 'akn'] as const) {
      const file = (await renderExport(snapshot, format)).body;
      expect(await verifyExport(snapshot, format, file)).toBe(true);
      expect(await verifyExport(snapshot, format, flipOneByte(file, Math.floor(file.length / 2)))).toBe(false);
    }
  });

  it('refuse the file of another snapshot', async () => {
    const signed = makeSignedSnapshot();
    const other = makeSignedSnapshot();
    other.oppositions.pop();
    const file = (await renderExport(other, 'akn')).body;
    expect(await verifyExport(signed, 'akn', file)).toBe(false);
  });
});
