// The one message catalogue, joined from the features' own (each `<feature>/messages.ts`
// holds its words, French and English side by side). Keys stay unique across features: a
// feature prefixes its keys with its name.
// The first script carries the words of the shell, the home page and the text page's editor.
// The sign-in, invitation and account pages bring their own (PageFeature: addWords, called by
// each page's state module); the later pages' (52 kB, 11 kB brotli) come in one chunk,
// lib/later-messages.ts, with the pages that use them (lib/pages.ts) or once the text page's
// editor shows.
import { editorMessages } from '../editor/messages.ts';
import { shellMessages } from '../shell/messages.ts';
import { negotiationsMessages } from '../negotiations/messages.ts';
import type { authMessages } from '../auth/messages.ts';
import type { invitationMessages } from '../auth/invitation-messages.ts';
import type { accountMessages } from '../account/messages.ts';
import type { LATER_FEATURES } from './later-messages.ts';
import { LOCALES, render, type Locale, type Message, type Params } from './messages.ts';

/** The catalogues of the features whose words are in the first script, each `{ fr, en }`. */
export const FIRST_FEATURES = [shellMessages, negotiationsMessages, editorMessages] as const;
/** The catalogues a first page brings with its own code (addWords). */
export type PageFeature = typeof authMessages | typeof invitationMessages | typeof accountMessages;

type Feature = (typeof FIRST_FEATURES)[number] | PageFeature | (typeof LATER_FEATURES)[number];
type Catalogue = Feature['fr'];
type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/** Every key of every feature. */
export type MessageKey = keyof UnionToIntersection<Catalogue>;

const messages: Record<Locale, Partial<Record<MessageKey, Message>>> = { fr: {}, en: {} };
function add(features: readonly Feature[]) {
  for (const feature of features) for (const locale of LOCALES) Object.assign(messages[locale], feature[locale]);
}
add(FIRST_FEATURES);

export { LOCALES, type Locale };

function initialLocale(): Locale {
  const stored = globalThis.localStorage?.getItem('locale');
  return stored === 'en' || stored === 'fr' ? stored : 'fr';
}

class I18n {
  locale = $state<Locale>(initialLocale());
  /** How many chunks of the catalogue arrived: the words shown follow it. */
  catalogues = $state(1);
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

/** A first page's own words (PageFeature), added when its code arrives: before it shows. */
export function addWords(feature: PageFeature): void {
  add([feature]);
  i18n.catalogues += 1;
}

let later: Promise<void> | null = null;
/** The words of the pages after the first ones (lib/later-messages.ts), fetched once. */
export function loadLaterMessages(): Promise<void> {
  later ??= import('./later-messages.ts').then(
    ({ LATER_FEATURES: features }) => {
      add(features);
      i18n.catalogues += 1;
    },
    (err: unknown) => {
      later = null;
      throw err;
    },
  );
  return later;
}


/** A message in a given language, its plural form chosen and its `{params}` filled in. */
export function translate(locale: Locale, key: MessageKey, params: Params = {}): string {
  void i18n.catalogues;
  const message: Message | undefined = messages[locale][key] ?? messages.fr[key];
  if (message !== undefined) return render(locale, message, params);
  // A key whose words have not arrived (a later feature's, lib/later-messages.ts, used by a first
  // page) or do not exist: never shown nor read out as such. It is a mistake, said on the console
  // (the browser tests fail on it): the first pages use the first catalogue's keys.
  console.error(`Message missing from the catalogue loaded: ${key}`);
  return '';
}

/** A message in the reader's language. */
export function t(key: MessageKey, params: Params = {}): string {
  return translate(i18n.locale, key, params);
}
