// The one message catalogue: French first, English second.
const messages = {
  fr: {
    'app.title': 'Espace de négociation',
    'nav.label': 'Navigation principale',
    'nav.signIn': 'Se connecter',
    'home.title': 'Mes négociations',
    'home.empty': 'Connectez-vous pour voir les négociations auxquelles vous participez.',
  },
  en: {
    'app.title': 'Negotiation workspace',
    'nav.label': 'Main navigation',
    'nav.signIn': 'Sign in',
    'home.title': 'My negotiations',
    'home.empty': 'Sign in to see the negotiations you take part in.',
  },
} as const;

export type Locale = keyof typeof messages;
export type MessageKey = keyof (typeof messages)['fr'];

class I18n {
  locale = $state<Locale>((globalThis.localStorage?.getItem('locale') as Locale) || 'fr');
  setLocale(locale: Locale) {
    this.locale = locale;
    globalThis.localStorage?.setItem('locale', locale);
    document.documentElement.lang = locale;
  }
}
export const i18n = new I18n();

export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const template: string = (messages[i18n.locale] as Record<string, string>)[key] ?? messages.fr[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? `{${name}}`));
}
