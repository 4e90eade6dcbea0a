import { describe, expect, it } from 'vitest';
import { minutesDocFromMarkup, minutesDocToMarkup, minutesLayout, withAttendanceDoc } from '../../shared/sessions/minutes-doc.ts';
import { MinutesDocSchema } from '../../shared/sessions/minutes-schema.ts';
import { MINUTES_FRAGMENT, type AttendanceLine } from '../../shared/sessions/session.ts';
import * as Y from 'yjs';
import { fragmentToMinutesDoc, rewriteMinutesAttendance } from '../../server/sessions/minutes-doc.ts';
import type { DocStore } from '../../server/collab/doc-store.ts';

const MARKUP = ['# Relevé de décisions', '', 'Séance du jeudi.', '', '## Présences', '| Organisation | Présence | Délégués |', '| FO | excusée | — |', 'Aucun observateur.', '', '## Décisions', '1. Adopté.', '2. Rejeté.', '', '## Prochaine séance', 'À fixer.'].join('\n');

describe('the minutes as rich text', () => {
  it('a draft in the old markup becomes headings, a table and a numbered list, and reads back the same', () => {
    const sut = minutesDocFromMarkup(MARKUP);
    expect(MinutesDocSchema.safeParse(sut).success).toBe(true);
    expect(sut.content.map((n) => n.type)).toEqual(['heading', 'paragraph', 'heading', 'table', 'paragraph', 'heading', 'orderedList', 'heading', 'paragraph']);
    expect(minutesDocToMarkup(sut)).toContain('## Décisions\n1. Adopté.\n2. Rejeté.');
    expect(minutesDocToMarkup(sut)).toContain('| FO | excusée | — |');
  });

  it('the schema refuses what a relevé de décisions has no use for: images, links, code, a fourth heading level', () => {
    const doc = (node: unknown) => ({ type: 'doc', content: [node] });
    const text = (marks: { type: string }[]) => ({ type: 'paragraph', content: [{ type: 'text', text: 'x', marks }] });
    expect(MinutesDocSchema.safeParse(doc({ type: 'image', attrs: { src: 'x' } })).success).toBe(false);
    expect(MinutesDocSchema.safeParse(doc(text([{ type: 'link' }]))).success).toBe(false);
    expect(MinutesDocSchema.safeParse(doc({ type: 'codeBlock', content: [{ type: 'text', text: 'x' }] })).success).toBe(false);
    expect(MinutesDocSchema.safeParse(doc({ type: 'heading', attrs: { level: 4 } })).success).toBe(false);
    expect(MinutesDocSchema.safeParse(doc(text([{ type: 'bold' }, { type: 'italic' }]))).success).toBe(true);
  });

  it('lists keep their nesting and emphasis for the files', () => {
    const sut = minutesLayout({
      type: 'doc',
      content: [
        {
          type: 'bulletList',
          content: [
            {
              type: 'listItem',
              content: [
                { type: 'paragraph', content: [{ type: 'text', text: 'Un ' }, { type: 'text', text: 'point', marks: [{ type: 'bold' }] }] },
                { type: 'orderedList', attrs: { start: 3 }, content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'sous-point' }] }] }] },
              ],
            },
          ],
        },
      ],
    });
    expect(sut).toEqual([
      { kind: 'item', text: 'Un point', runs: [{ text: 'Un ' }, { text: 'point', bold: true }], depth: 0 },
      { kind: 'numbered', number: 3, text: 'sous-point', runs: [{ text: 'sous-point' }], depth: 1 },
    ]);
  });

  it('the attendance section is always the record’s, wherever the editor moved or changed it', () => {
    const lines: AttendanceLine[] = [{ org: 'fo', shortName: 'FO', presidency: false, status: 'present', delegates: ['Isabelle Moreau'] }];
    const sut = withAttendanceDoc(minutesDocFromMarkup(MARKUP), lines, []);
    const markup = minutesDocToMarkup(sut);
    expect(markup).toContain('| FO | présente | Isabelle Moreau |');
    expect(markup).not.toContain('excusée');
    const lost = withAttendanceDoc(minutesDocFromMarkup(MARKUP.replace('## Présences', 'Présences effacées')), lines, []);
    expect(minutesDocToMarkup(lost).indexOf('## Présences')).toBeLessThan(minutesDocToMarkup(lost).indexOf('## Décisions'));
  });

  // The secretariat may write a remark under the attendance table: approval (withAttendanceDoc)
  // and a change of attendance (rewriteMinutesAttendance) renew the record, never drop the remark.
  const REMARK = 'Observation : la CGT demande un relevé nominatif.';
  const written = () => {
    const doc = minutesDocFromMarkup(MARKUP);
    const observers = doc.content.findIndex((n) => n.type === 'paragraph' && JSON.stringify(n.content).includes('Aucun observateur.'));
    doc.content.splice(observers + 1, 0, { type: 'paragraph', content: [{ type: 'text', text: REMARK }] });
    return doc;
  };
  const present: AttendanceLine[] = [{ org: 'fo', shortName: 'FO', presidency: false, status: 'present', delegates: ['Isabelle Moreau'] }];

  it('what the secretariat wrote in the attendance section is kept when the minutes are frozen', () => {
    const markup = minutesDocToMarkup(withAttendanceDoc(written(), present, ['Mme Lenoir']));
    expect(markup).toContain('| FO | présente | Isabelle Moreau |');
    expect(markup).toContain(`Observateurs : Mme Lenoir.\n${REMARK}\n`);
    expect(markup).not.toContain('Aucun observateur.');
  });

  it('a change of attendance renews the live draft’s table and keeps the remark written under it', async () => {
    const ydoc = new Y.Doc();
    const fragment = ydoc.getXmlFragment(MINUTES_FRAGMENT);
    const store = { withDoc: (_name: string, fn: (doc: Y.Doc) => unknown) => Promise.resolve(fn(ydoc)) } as unknown as DocStore;
    // The draft as the editor holds it, the remark included.
    const toY = (node: { type: string; attrs?: Record<string, unknown>; content?: { type: string; text?: string }[] }): Y.XmlElement => {
      const element = new Y.XmlElement(node.type);
      for (const [k, v] of Object.entries(node.attrs ?? {})) element.setAttribute(k, v as string);
      if (node.content?.[0]?.type === 'text') element.insert(0, [new Y.XmlText(node.content.map((c) => c.text).join(''))]);
      else if (node.content) element.insert(0, node.content.map((c) => toY(c as never)));
      return element;
    };
    fragment.insert(0, written().content.map((n) => toY(n as never)));
    await rewriteMinutesAttendance(store, 'session', present, []);
    const markup = minutesDocToMarkup(fragmentToMinutesDoc(fragment));
    expect(markup).toContain('| FO | présente | Isabelle Moreau |');
    expect(markup).not.toContain('excusée');
    expect(markup).toContain(`Aucun observateur.\n${REMARK}\n`);
    expect(markup.match(/## Présences/g)).toHaveLength(1);
  });
});
