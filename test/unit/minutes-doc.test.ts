import { describe, expect, it } from 'vitest';
import { minutesDocFromMarkup, minutesDocToMarkup, minutesLayout, withAttendanceDoc } from '../../shared/sessions/minutes-doc.ts';
import { MinutesDocSchema } from '../../shared/sessions/minutes-schema.ts';
import type { AttendanceLine } from '../../shared/sessions/session.ts';

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
});
