/**
 * What a message catalogue is made of, and how a message becomes text. Each feature keeps its
 * messages beside it (`<feature>/<feature>.messages.ts`), French and English side by side;
 * lib/i18n.svelte.ts joins them into the one catalogue the screens read.
 */

export type Locale = 'fr' | 'en';
export const LOCALES: Locale[] = ['fr', 'en'];
export const LANGUAGE_TAGS: Record<Locale, string> = { fr: 'fr-FR', en: 'en-GB' };

/**
 * A message that depends on a count (`{count}` in its params), one form per plural category
 * of the language (Intl.PluralRules): French says « 0 article », « 1 article », « 2 articles »;
 * English « 0 articles », « 1 article ». `other` is required, the rest as the language needs.
 */
export interface PluralMessage {
  zero?: string;
  one?: string;
  two?: string;
  few?: string;
  many?: string;
  other: string;
}

export type Message = string | PluralMessage;
export type Params = Record<string, string | number>;

/**
 * A feature's messages: the French ones define the keys, and the English ones must have every
 * key (a missing English message fails the type check).
 */
export function defineMessages<const F extends Record<string, Message>>(fr: F, en: { readonly [K in keyof F]: Message }): { fr: F; en: { readonly [K in keyof F]: Message } } {
  return { fr, en };
}

const pluralRules = new Map<Locale, Intl.PluralRules>();

/** The message's text in `locale`, its plural form chosen by `params.count`, its `{params}` filled in. */
export function render(locale: Locale, message: Message, params: Params = {}): string {
  let template: string;
  if (typeof message === 'string') template = message;
  else {
    let rules = pluralRules.get(locale);
    if (!rules) pluralRules.set(locale, (rules = new Intl.PluralRules(LANGUAGE_TAGS[locale])));
    template = message[rules.select(Number(params.count ?? 0))] ?? message.other;
  }
  return template.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}
