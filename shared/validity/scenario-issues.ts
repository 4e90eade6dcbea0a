/**
 * Why a scenario cannot be assessed, for the rules between its fields, as codes with
 * parameters: the validity command and the server print the French wording below; the
 * signature page writes the codes in its reader's language through the client catalogue
 * (`scenario.<code>`), whose French side is this module. `{sum}` is a weight in hundredths of
 * a percent, written out by each language; the other parameters are data (ids, ISO days).
 */
export const SCENARIO_ISSUES_FR = {
  'org.duplicate': 'organisation « {org} » en double',
  'org.weight-not-zero': '« {org} » n’est pas représentative : son poids doit être 0 (il vaut {weight})',
  'org.representative-zero': '« {org} » est un syndicat représentatif : son poids ne peut pas être 0',
  'signature.unknown-org': 'signature : organisation inconnue « {org} » (absente de organisations)',
  'notification.unknown-org': 'notification : organisation inconnue « {org} » (absente de organisations)',
  'opposition.unknown-org': 'opposition : organisation inconnue « {org} » (absente de organisations)',
  'signature.twice': 'signature : « {org} » figure deux fois (une seule date par organisation)',
  'notification.twice': 'notification : « {org} » figure deux fois (une seule date par organisation)',
  'unions.none': 'aucun syndicat de salariés représentatif : la validité ne peut pas être appréciée',
  'unions.sum': 'les poids des syndicats de salariés représentatifs totalisent {sum} au lieu de 100\u202f% (tolérance ± 0,01)',
  'signature.after-notification':
    'signature de « {org} » le {at}, après la première notification ({first}) : la notification clôt la procédure de signature (L2231-5) ; une signature ultérieure est une adhésion (L2261-3), non traitée ici',
  'referendum.branch': 'le référendum des salariés ne concerne que les accords d’entreprise (level "company", L2232-12)',
  'extension.not-branch': 'l’extension ne concerne que les accords de branche (level "branch", L2261-19)',
  'extension.unknown-org': 'opposition à l’extension : organisation inconnue « {org} »',
  'employers.none': 'extension : aucune organisation d’employeurs représentative',
  'employers.sum':
    'extension : les poids des organisations professionnelles d’employeurs représentatives (part des salariés de leurs adhérents) totalisent {sum} au lieu de 100\u202f% (tolérance ± 0,01)',
} as const;

export type ScenarioIssueCode = keyof typeof SCENARIO_ISSUES_FR;

/** One problem of a scenario: where (`organisations[2].weight`, '' for the whole), and why. */
export interface ScenarioIssue {
  path: string;
  /** null: a field's own problem (a type, a format), worded by the schema in French only. */
  code: ScenarioIssueCode | null;
  params: Record<string, string | number>;
}

/** A template filled in: `{sum}` through `percent`, the rest as they are. */
export function writeScenarioIssue(template: string, params: Record<string, string | number>, percent: (hundredths: number) => string): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => {
    const value = params[key];
    if (value === undefined) return whole;
    return key === 'sum' && typeof value === 'number' ? percent(value) : String(value);
  });
}
