import { describe, expect, it } from 'vitest';
import { SignedSnapshotSchema, snapshotArticles } from '../../shared/snapshot.ts';
import { makeSignedSnapshot } from '../helpers/snapshot-fixture.ts';

describe('the signed-version snapshot', () => {
  it('of the 2023 CPPNI avenant is a valid snapshot', () => {
    const sut = SignedSnapshotSchema.safeParse(makeSignedSnapshot());
    expect(sut.error?.issues).toBeUndefined();
    expect(snapshotArticles(makeSignedSnapshot().text).map((a) => a.number)).toEqual(['1', '2', '3', '4', '5', '6']);
  });

  it('has no room for annotations or drafts: a stray field is refused, not dropped', () => {
    const withNotes = { ...makeSignedSnapshot(), annotations: [{ text: 'note privée de la CGT' }] };
    expect(SignedSnapshotSchema.safeParse(withNotes).success).toBe(false);
    const article = makeSignedSnapshot();
    Object.assign(article.text.titres[0].chapitres[0].articles[0], { draft: 'texte de travail' });
    expect(SignedSnapshotSchema.safeParse(article).success).toBe(false);
  });

  it('keeps the assessment engine’s other fields', () => {
    const parsed = SignedSnapshotSchema.parse(makeSignedSnapshot());
    expect(parsed.assessment.oppositionMajority).toBe(true);
  });

  it('refuses a signature by an unknown party and a non-signatory who signed', () => {
    const unknown = makeSignedSnapshot();
    unknown.signatures[1].org = 'unsa';
    expect(SignedSnapshotSchema.safeParse(unknown).success).toBe(false);
    const both = makeSignedSnapshot();
    both.nonSignatories.push('cfdt');
    expect(SignedSnapshotSchema.safeParse(both).success).toBe(false);
  });
});
