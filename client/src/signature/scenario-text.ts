import { writeScenarioIssue, type ScenarioIssue } from '../../../shared/validity/scenario-issues.ts';
import { formatPercent } from '../../../shared/validity/weights.ts';
import { i18n, translate, type MessageKey } from '../lib/i18n.svelte.ts';
import type { Locale } from '../lib/messages.ts';
import { englishPercent } from '../validity/english.ts';

/**
 * Why the campaign cannot be assessed, in the reader's language. In French, exactly the
 * engine's message (`{path} : {message}`); a field's own problem, which the schema words in
 * French only, is said generically in English.
 */
export function scenarioIssueText(issue: ScenarioIssue, locale: Locale = i18n.locale): string {
  const text = issue.code
    ? writeScenarioIssue(translate(locale, `scenario.${issue.code}` as MessageKey), issue.params, locale === 'fr' ? formatPercent : englishPercent)
    : locale === 'fr'
      ? String(issue.params.message)
      : translate(locale, 'scenario.unreadable');
  return translate(locale, 'scenario.at', { path: issue.path || translate(locale, 'scenario.whole'), issue: text });
}
