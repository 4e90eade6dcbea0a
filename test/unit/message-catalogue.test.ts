import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIRST_FEATURES, translate } from '../../client/src/lib/i18n.svelte.ts';
import { LATER_FEATURES } from '../../client/src/lib/later-messages.ts';
import { authMessages } from '../../client/src/auth/messages.ts';
import { invitationMessages } from '../../client/src/auth/invitation-messages.ts';
import { accountMessages } from '../../client/src/account/messages.ts';
import type { Message } from '../../client/src/lib/messages.ts';

const FEATURES = [...FIRST_FEATURES, authMessages, invitationMessages, accountMessages, ...LATER_FEATURES];
const forms = (message: Message): string[] => (typeof message === 'string' ? [message] : Object.values(message));
const placeholders = (message: Message): string[] => [...new Set(forms(message).flatMap((form) => [...form.matchAll(/\{(\w+)\}/g)].map((m) => m[1])))].sort();

describe('the message catalogue, split per feature', () => {
  it('gives every key to exactly one feature', () => {
    const owners = new Map<string, number>();
    for (const feature of FEATURES) for (const key of Object.keys(feature.fr)) owners.set(key, (owners.get(key) ?? 0) + 1);
    expect([...owners].filter(([, count]) => count > 1)).toEqual([]);
  });

  it('has every message in English, with the same placeholders as the French', () => {
    for (const feature of FEATURES) {
      const fr = feature.fr as Record<string, Message>;
      const en = feature.en as Record<string, Message>;
      expect(Object.keys(en).sort()).toEqual(Object.keys(fr).sort());
      for (const key of Object.keys(fr)) expect({ key, en: placeholders(en[key]) }).toEqual({ key, en: placeholders(fr[key]) });
    }
  });

  it('writes no plural by hand: « article(s) » is a plural message chosen by Intl.PluralRules', () => {
    const handWritten = FEATURES.flatMap((feature) =>
      Object.entries({ ...feature.fr, ...feature.en } as Record<string, Message>).filter(([, message]) => forms(message).some((form) => /\w\((s|x|es|ies)\)/.test(form))),
    );
    expect(handWritten).toEqual([]);
  });

  it('chooses the plural form by the language’s rules: French 0 and 1 are singular, English 0 is plural', () => {
    expect(translate('fr', 'versions.unchanged', { count: 0 })).toBe('0 article inchangé');
    expect(translate('fr', 'versions.unchanged', { count: 3 })).toBe('3 articles inchangés');
    expect(translate('en', 'versions.unchanged', { count: 0 })).toBe('0 articles unchanged');
    expect(translate('en', 'versions.unchanged', { count: 1 })).toBe('1 article unchanged');
  });

  it('has folded the editor’s French-only messages into the catalogue (English included)', () => {
    expect(translate('en', 'text.readOnly')).toMatch(/^Read only/);
    expect(translate('en', 'versions.kind.session')).toBe('end of session');
  });

  it('loads nothing but words: a feature’s messages import no code (the catalogue is in the first script, before zod is configured)', () => {
    const files = fs.readdirSync('client/src', { withFileTypes: true }).filter((e) => e.isDirectory() && fs.existsSync(`client/src/${e.name}/messages.ts`));
    for (const dir of files) {
      const imports = fs.readFileSync(`client/src/${dir.name}/messages.ts`, 'utf8').match(/^(import|export) .* from .*$/gm) ?? [];
      // A module of words may be shared (the validity reasons' French wording, which the server
      // writes too) as long as it imports nothing but types itself.
      const wordsOnly = (line: string) => {
        const from = /from '([^']+)';$/.exec(line)?.[1];
        if (!from) return false;
        const own = fs.readFileSync(path.join(`client/src/${dir.name}`, from), 'utf8').match(/^(import|export) .* from .*$/gm) ?? [];
        return own.every((l) => l.startsWith('import type ') || l.startsWith('export type '));
      };
      expect(imports.filter((line) => !line.startsWith('import type ') && !line.endsWith("from '../lib/messages.ts';") && !wordsOnly(line))).toEqual([]);
    }
  });

  it('keeps one catalogue: no component holds a message table of its own', () => {
    // The old French-only editor catalogue had its own lookup, m(), reading a French table.
    expect(fs.readFileSync('client/src/editor/messages.ts', 'utf8')).not.toMatch(/export function m\(/);
  });
});
