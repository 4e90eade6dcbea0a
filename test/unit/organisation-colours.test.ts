import { describe, expect, it } from 'vitest';
import { ORGANISATION_PALETTE, SECRETARIAT_COLOR, organisationColor, presenceUser } from '../../shared/presence.ts';
import { DEMO_ORGANISATIONS } from '../../server/seed/demo-content.ts';

/** WCAG 2 contrast ratio between two #rrggbb colours. */
function contrast(a: string, b: string): number {
  const luminance = (hex: string) => {
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

describe('organisation colours', () => {
  const parties = DEMO_ORGANISATIONS.map((o) => o.shortName);

  it('every party of a negotiation has a colour of its own (AXESS and CFTC, CFDT and FO no longer share one)', () => {
    const colours = parties.map((org) => organisationColor(org, parties));
    expect(new Set(colours).size).toBe(parties.length);
  });

  it('does not depend on the order the parties are listed in', () => {
    const reversed = [...parties].reverse();
    for (const org of parties) expect(organisationColor(org, reversed)).toBe(organisationColor(org, parties));
  });

  it('every colour carries white text (caret labels) at 4.5:1 or more, the secretariat’s too', () => {
    for (const colour of [...ORGANISATION_PALETTE, SECRETARIAT_COLOR]) expect(contrast(colour, '#ffffff')).toBeGreaterThanOrEqual(4.5);
  });

  it('the secretariat is coloured apart from the negotiators of its organisation', () => {
    const sut = presenceUser('Julien Roussel', 'AXESS', { parties, secretariat: true });
    expect(sut).toEqual({ name: 'Julien Roussel', org: 'AXESS', color: SECRETARIAT_COLOR, secretariat: true });
    expect(presenceUser('Claire Marchand', 'AXESS', { parties }).color).not.toBe(SECRETARIAT_COLOR);
  });
});
