import { assess } from '../validity/assess.ts';
import { parseScenario } from '../validity/scenario.ts';
import { missingToThreshold } from '../validity/signature.ts';
import { formatPercent, toHundredths } from '../validity/weights.ts';
import { scenarioOf, type CampaignParty, type CampaignView } from './campaign.ts';

/** A binding act in an organisation's name. */
export type BindingAct = 'sign' | 'oppose';

/**
 * What the person confirms before a binding act: in whose name, with which weight, on which
 * version (its fingerprint), and what the act does, as the validity engine computes it.
 */
export interface BindingActConfirmation {
  act: BindingAct;
  organisation: Pick<CampaignParty, 'id' | 'shortName' | 'weight' | 'representative' | 'college'>;
  version: { name: string; hash: string };
  /** The total the act brings the signatures (sign) or the counted oppositions (oppose) to, in percent. */
  total: number;
  /** « votre opposition porte le total à 61,50 % : l’accord sera réputé non écrit ». */
  consequence: string;
}

const NOT_COUNTED: Record<string, string> = {
  late: 'le délai d’opposition de votre organisation est expiré',
  'not notified': 'l’accord n’a pas encore été notifié à votre organisation',
  'before notification': 'le délai d’opposition n’a pas commencé',
  signatory: 'votre organisation a signé l’accord',
  'not representative': 'votre organisation n’est pas représentative dans le champ de l’accord',
  'employer organisation': 'le droit d’opposition appartient aux seuls syndicats de salariés',
  'not concluded': 'l’accord n’atteint pas 30 % de signatures',
  duplicate: 'votre organisation s’est déjà opposée',
};

/**
 * The consequence of signing or opposing today for `orgId`, computed by the same engine that
 * decides validity (server and browser alike). Null when the engine cannot assess the campaign.
 */
export function bindingActConfirmation(campaign: CampaignView, orgId: string, act: BindingAct, today: string): BindingActConfirmation | null {
  const party = campaign.parties.find((p) => p.id === orgId);
  if (!party || campaign.kind !== 'agreement') return null;
  const whatIf = act === 'sign' ? { signatures: [{ org: orgId, at: today }] } : { oppositions: [{ org: orgId, at: today }] };
  const parsed = parseScenario(scenarioOf(campaign, today, whatIf));
  if (!parsed.ok) return null;
  const assessment = assess(parsed.scenario);
  const organisation = { id: party.id, shortName: party.shortName, weight: party.weight, representative: party.representative, college: party.college };
  const version = { name: campaign.version.name, hash: campaign.version.hash };
  const percent = (value: number) => formatPercent(toHundredths(value));

  if (act === 'sign') {
    const total = assessment.signatureWeight;
    let consequence: string;
    if (party.college !== 'union' || !party.representative || party.weight === 0) {
      consequence = `la signature de ${party.shortName} engage votre organisation, mais ne compte pas dans le seuil de 30 % (réservé aux syndicats représentatifs) : les signatures syndicales restent à ${percent(total)}.`;
    } else if (campaign.level === 'company' && assessment.majoritySignature) {
      // L2232-12: more than 50 % and the employer's signature; no opposition at company level.
      consequence =
        assessment.status === 'valid'
          ? `votre signature porte le total à ${percent(total)} : plus de 50 % des suffrages, l’accord est valide (L2232-12).`
          : `votre signature porte le total à ${percent(total)} : plus de 50 % des suffrages ; l’accord sera valide quand l’employeur l’aura signé (L2232-12).`;
    } else if (campaign.level === 'company' && assessment.signatureTestPassed) {
      consequence = `votre signature porte le total à ${percent(total)} : plus de 30 % sans dépasser 50 %, l’accord ne sera valide que s’il est approuvé par les salariés (référendum, L2232-12).`;
    } else if (assessment.signatureTestPassed) {
      consequence = `votre signature porte le total à ${percent(total)} : l’accord est conclu (30 % au moins), sauf opposition majoritaire des non-signataires dans les 15 jours de leur notification.`;
    } else if (campaign.level === 'company') {
      // L2232-12: the referendum is open to a text signed by unions weighing more than 30 % (30,00 % is not enough).
      consequence = `votre signature porte le total à ${percent(total)} : il faut plus de 30 % pour que l’accord puisse être soumis aux salariés (référendum, L2232-12), et plus de 50 % pour qu’il soit valide sans eux.`;
    } else {
      consequence = `votre signature porte le total à ${percent(total)} : il manque encore ${formatPercent(missingToThreshold(campaign.level, toHundredths(total)))} pour atteindre le seuil de 30 %.`;
    }
    return { act, organisation, version, total, consequence };
  }

  const mine = assessment.oppositions.filter((o) => o.org === orgId).at(-1);
  const total = assessment.oppositionWeight;
  let consequence: string;
  if (!mine?.counted) {
    consequence = `votre opposition serait enregistrée mais ne compterait pas : ${NOT_COUNTED[mine?.ground ?? ''] ?? 'elle n’est pas recevable'} ; le total reste à ${percent(total)}.`;
  } else if (assessment.status === 'void') {
    consequence = `votre opposition porte le total à ${percent(total)} : l’accord sera réputé non écrit.`;
  } else {
    consequence = `votre opposition porte le total à ${percent(total)} : sans majorité (plus de 50 %), l’accord n’est pas remis en cause à ce stade.`;
  }
  return { act, organisation, version, total, consequence };
}
