// The one message catalogue, joined from the features' own (each `<feature>/messages.ts`
// holds its words, French and English side by side). Keys stay unique across features: a
// feature prefixes its keys with its name.
import { activityMessages } from '../activity/messages.ts';
import { editorMessages } from '../editor/messages.ts';
import { shellMessages } from '../shell/messages.ts';
import { authMessages } from '../auth/messages.ts';
import { negotiationsMessages } from '../negotiations/messages.ts';
import { membersMessages } from '../members/messages.ts';
import { signatureMessages } from '../signature/messages.ts';
import { sessionsMessages } from '../sessions/messages.ts';
import { amendmentsMessages } from '../amendments/messages.ts';
import { annotationsMessages } from '../annotations/messages.ts';
import { votesMessages } from '../votes/messages.ts';
import { positionsMessages } from '../positions/messages.ts';
import { verifyMessages } from '../verify/messages.ts';
import { accountMessages } from '../account/messages.ts';
import { mailMessages } from '../mail/messages.ts';
import { validityMessages } from '../validity/messages.ts';
import { LOCALES, render, type Locale, type Message, type Params } from './messages.ts';

/** The features' catalogues, each `{ fr, en }`. */
export const FEATURES = [shellMessages, authMessages, negotiationsMessages, membersMessages, signatureMessages, sessionsMessages, amendmentsMessages, annotationsMessages, votesMessages, positionsMessages, verifyMessages, accountMessages, mailMessages, activityMessages, editorMessages, validityMessages] as const;

type Catalogue = (typeof FEATURES)[number]['fr'];
type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/** Every key of every feature. */
export type MessageKey = keyof UnionToIntersection<Catalogue>;

function join(locale: Locale): Record<MessageKey, Message> {
  const all: Record<string, Message> = {};
  for (const feature of FEATURES) Object.assign(all, feature[locale]);
  return all as Record<MessageKey, Message>;
}
const messages: Record<Locale, Record<MessageKey, Message>> = { fr: join('fr'), en: join('en') };

export { LOCALES, type Locale };

function initialLocale(): Locale {
  const stored = globalThis.localStorage?.getItem('locale');
  return stored === 'en' || stored === 'fr' ? stored : 'fr';
}

class I18n {
  locale = $state<Locale>(initialLocale());
  constructor() {
    // The page says its language from the first paint (screen readers, hyphenation, spell-check).
    if (globalThis.document) document.documentElement.lang = this.locale;
  }
  setLocale(locale: Locale) {
    this.locale = locale;
    globalThis.localStorage?.setItem('locale', locale);
    document.documentElement.lang = locale;
  }
}
export const i18n = new I18n();

/** A message in a given language, its plural form chosen and its `{params}` filled in. */
export function translate(locale: Locale, key: MessageKey, params: Params = {}): string {
  const message: Message | undefined = messages[locale][key] ?? messages.fr[key];
  return message === undefined ? key : render(locale, message, params);
}

/** A message in the reader's language. */
export function t(key: MessageKey, params: Params = {}): string {
  return translate(i18n.locale, key, params);
}
