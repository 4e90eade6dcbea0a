import type { Role } from '../../shared/access.ts';
import { frenchDate, frenchDateWithWeekday } from '../../shared/validity/format.ts';
import type { MailContent } from './message.ts';

/**
 * The words of every mail the workspace sends, French first, then English. Each template
 * takes what the message must say, already resolved (names, dates in French, the link).
 */

export const ROLE_NAMES: Record<Role, { fr: string; en: string }> = {
  negotiator: { fr: 'négociateur', en: 'negotiator' },
  delegate: { fr: 'délégué', en: 'delegate' },
  signatory: { fr: 'signataire', en: 'signatory' },
  secretariat: { fr: 'secrétariat', en: 'secretariat' },
  chair: { fr: 'présidence', en: 'chair' },
  observer: { fr: 'observateur', en: 'observer' },
  lead: { fr: 'responsable de délégation', en: 'delegation lead' },
};

const roleList = (roles: readonly Role[], lang: 'fr' | 'en') => roles.map((r) => ROLE_NAMES[r][lang]).join(', ');

/** A frenchified date-time for mails: « 12 octobre 2023 à 14 h 05 » (Paris). */
export function frenchDateTime(at: Date): string {
  return new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Paris' }).format(at);
}

export function invitationMail(input: {
  negotiation: string;
  organisation: string;
  roles: readonly Role[];
  invitedBy: string;
  url: string;
  expiresAt: Date;
  existingUser: boolean;
}): MailContent {
  const until = frenchDateTime(input.expiresAt);
  return {
    subject: `Invitation à la négociation « ${input.negotiation} »`,
    fr: [
      'Bonjour,',
      `${input.invitedBy} vous invite à siéger pour ${input.organisation} dans la négociation « ${input.negotiation} », avec le mandat : ${roleList(input.roles, 'fr')}.`,
      input.existingUser
        ? 'Vous avez déjà un compte : le lien vous demandera son mot de passe.'
        : 'Le lien vous demandera votre nom et un mot de passe de 12 caractères au moins.',
      `Ce lien est personnel, à usage unique, et valable jusqu’au ${until}. Si vous n’attendiez pas cette invitation, ignorez ce message.`,
    ],
    en: [
      'Hello,',
      `${input.invitedBy} invites you to sit for ${input.organisation} in the negotiation “${input.negotiation}”, with the mandate: ${roleList(input.roles, 'en')}.`,
      'This link is personal and works once. If you did not expect this invitation, ignore this message.',
    ],
    action: { url: input.url, fr: 'Rejoindre la négociation', en: 'Join the negotiation' },
  };
}

export function passwordResetMail(input: { name: string; url: string; expiresAt: Date; askedBy: 'self' | { lead: string; organisation: string } }): MailContent {
  const who =
    input.askedBy === 'self'
      ? { fr: 'Vous avez demandé à changer de mot de passe (« mot de passe oublié »).', en: 'You asked to change your password (“forgot password”).' }
      : {
          fr: `${input.askedBy.lead}, responsable de la délégation ${input.askedBy.organisation}, a demandé que vous puissiez choisir un nouveau mot de passe.`,
          en: `${input.askedBy.lead}, lead of the ${input.askedBy.organisation} delegation, asked that you choose a new password.`,
        };
  return {
    subject: 'Choisir un nouveau mot de passe',
    fr: [
      `Bonjour ${input.name},`,
      who.fr,
      `Le lien ci-dessous est personnel, à usage unique, valable jusqu’au ${frenchDateTime(input.expiresAt)}. Votre mot de passe actuel reste valable tant que vous ne l’utilisez pas. Si vous n’êtes pas à l’origine de cette demande, ignorez ce message.`,
    ],
    en: [`Hello ${input.name},`, who.en, 'The link below is personal and works once. Your current password stays valid until you use it. If you did not ask for this, ignore this message.'],
    action: { url: input.url, fr: 'Choisir un nouveau mot de passe', en: 'Choose a new password' },
  };
}

export function suspensionMail(input: {
  person: string;
  organisation: string;
  negotiation: string;
  reason: string;
  by: string;
  reinstated: boolean;
  url: string;
}): MailContent {
  if (input.reinstated) {
    return {
      subject: `Mandat rétabli : ${input.person} (${input.organisation})`,
      fr: [
        'Bonjour,',
        `Le secrétariat (${input.by}) a levé la suspension du mandat de ${input.person} pour ${input.organisation} dans la négociation « ${input.negotiation} ». Son accès est rétabli.`,
      ],
      en: ['Hello,', `The secretariat (${input.by}) lifted the suspension of ${input.person}’s mandate for ${input.organisation} in “${input.negotiation}”.`],
      action: { url: input.url, fr: 'Ouvrir la délégation', en: 'Open the delegation' },
    };
  }
  return {
    subject: `Mandat suspendu : ${input.person} (${input.organisation})`,
    fr: [
      'Bonjour,',
      `Le secrétariat (${input.by}) a suspendu le mandat de ${input.person} pour ${input.organisation} dans la négociation « ${input.negotiation} ».`,
      `Motif : ${input.reason}`,
      'Pendant la suspension, cette personne n’a plus accès à la négociation. Seule votre organisation peut attribuer des rôles à ses membres ; la suspension ne lui en donne aucun.',
    ],
    en: [
      'Hello,',
      `The secretariat (${input.by}) suspended ${input.person}’s mandate for ${input.organisation} in “${input.negotiation}”.`,
      `Reason: ${input.reason}`,
    ],
    action: { url: input.url, fr: 'Ouvrir la délégation', en: 'Open the delegation' },
  };
}

export function convocationMail(input: { negotiation: string; title: string; startsAt: Date; place: string | null; videoLink: string | null; agenda: string[]; url: string }): MailContent {
  const when = frenchDateTime(input.startsAt);
  const where = input.place ?? (input.videoLink ? `en visioconférence (${input.videoLink})` : 'lieu à préciser');
  return {
    subject: `Convocation : ${input.title} – ${when}`,
    fr: [
      'Bonjour,',
      `Vous êtes convoqué(e) à la séance « ${input.title} » de la négociation « ${input.negotiation} », le ${when}, ${where}.`,
      ...(input.agenda.length > 0 ? [`Ordre du jour : ${input.agenda.map((item, i) => `${i + 1}. ${item}`).join(' ; ')}`] : []),
      'L’invitation de calendrier (.ics) est jointe.',
    ],
    en: ['Hello,', `You are convened to the session “${input.title}” of “${input.negotiation}” on ${input.startsAt.toISOString()}. The calendar invitation (.ics) is attached.`],
    action: { url: input.url, fr: 'Voir la séance', en: 'Open the session' },
  };
}

export function sessionCancelledMail(input: { negotiation: string; title: string; startsAt: Date; reason: string; url: string }): MailContent {
  const when = frenchDateTime(input.startsAt);
  return {
    subject: `Séance annulée : ${input.title} – ${when}`,
    fr: [
      'Bonjour,',
      `La séance « ${input.title} » de la négociation « ${input.negotiation} », prévue le ${when}, est annulée.`,
      `Motif : ${input.reason}`,
      'L’annulation de calendrier (.ics) est jointe : votre agenda retire la séance.',
    ],
    en: [
      'Hello,',
      `The session “${input.title}” of “${input.negotiation}”, planned on ${input.startsAt.toISOString()}, is cancelled.`,
      `Reason: ${input.reason}`,
      'The calendar cancellation (.ics) is attached.',
    ],
    action: { url: input.url, fr: 'Voir les séances', en: 'See the sessions' },
  };
}

export function campaignOpenedMail(input: { negotiation: string; version: string; hash: string; deadline: string | null; url: string }): MailContent {
  return {
    subject: `Ouverture à la signature : ${input.negotiation}`,
    fr: [
      'Bonjour,',
      `Le secrétariat a ouvert à la signature la version « ${input.version} » de « ${input.negotiation} »${input.deadline ? `, jusqu’au ${input.deadline}` : ''}.`,
      `Empreinte SHA-256 de la version : ${input.hash}`,
      'Seuls les signataires désignés par leur organisation peuvent signer en son nom, après avoir ressaisi leur mot de passe.',
    ],
    en: ['Hello,', `The secretariat opened version “${input.version}” of “${input.negotiation}” for signature${input.deadline ? `, until ${input.deadline}` : ''}.`],
    action: { url: input.url, fr: 'Ouvrir la campagne de signature', en: 'Open the signature campaign' },
  };
}

export function notificationMail(input: { negotiation: string; organisation: string; at: string; url: string }): MailContent {
  return {
    subject: `Notification de l’accord à ${input.organisation} : ${input.negotiation}`,
    fr: [
      'Bonjour,',
      `L’accord « ${input.negotiation} » a été notifié à ${input.organisation} le ${input.at}.`,
      'Si votre organisation est un syndicat représentatif non signataire, elle peut former opposition dans les 15 jours qui suivent cette notification (Code du travail, L2232-6).',
    ],
    en: ['Hello,', `The agreement “${input.negotiation}” was notified to ${input.organisation} on ${input.at}. A representative union that did not sign may oppose it within 15 days.`],
    action: { url: input.url, fr: 'Voir la campagne et les délais', en: 'See the campaign and deadlines' },
  };
}

/** « Quelqu’un a signé / formé opposition au nom de votre organisation »: every signatory and lead is told. */
export function actedInYourNameMail(input: { act: 'sign' | 'oppose'; person: string; organisation: string; negotiation: string; at: Date; hash: string; url: string }): MailContent {
  const fr = input.act === 'sign' ? 'a signé' : 'a formé opposition à';
  const en = input.act === 'sign' ? 'signed' : 'filed an opposition to';
  return {
    subject: input.act === 'sign' ? `${input.person} a signé au nom de ${input.organisation}` : `${input.person} a formé opposition au nom de ${input.organisation}`,
    fr: [
      'Bonjour,',
      `${input.person} ${fr} « ${input.negotiation} » au nom de ${input.organisation}, le ${frenchDateTime(input.at)}.`,
      `Version signée : empreinte SHA-256 ${input.hash}.`,
      'Vous recevez ce message parce que vous êtes signataire ou responsable de la délégation. Si cet acte n’est pas celui de votre organisation, prévenez sans attendre son responsable et le secrétariat.',
    ],
    en: ['Hello,', `${input.person} ${en} “${input.negotiation}” in the name of ${input.organisation}, on ${input.at.toISOString()}. If this was not your organisation’s act, tell its lead and the secretariat at once.`],
    action: { url: input.url, fr: 'Voir la campagne', en: 'Open the campaign' },
  };
}

export function accountChangedMail(input: { name: string; what: 'password' | 'email'; newEmail?: string; at: Date }): MailContent {
  const fr = input.what === 'password' ? 'Le mot de passe de votre compte a été changé' : `L’adresse e-mail de votre compte a été remplacée par ${input.newEmail}`;
  const en = input.what === 'password' ? 'Your account’s password was changed' : `Your account’s email address was replaced by ${input.newEmail}`;
  return {
    subject: input.what === 'password' ? 'Votre mot de passe a été changé' : 'Votre adresse e-mail a été changée',
    fr: [
      `Bonjour ${input.name},`,
      `${fr} le ${frenchDateTime(input.at)}. Vos autres sessions ont été fermées.`,
      'Si vous n’êtes pas à l’origine de ce changement, demandez immédiatement un nouveau mot de passe (« mot de passe oublié ») et prévenez le responsable de votre délégation.',
    ],
    en: [`Hello ${input.name},`, `${en}. Your other sessions were closed. If this was not you, ask for a new password at once and tell your delegation’s lead.`],
  };
}

/**
 * Before an organisation's opposition deadline (its own: 15 days from its notification,
 * counted as CPC 641–642 count them): how long is left, and what its opposition would do.
 */
export function oppositionReminderMail(input: {
  negotiation: string;
  organisation: string;
  notifiedAt: string;
  nominalDeadline: string;
  deadline: string;
  daysLeft: number;
  /** The validity engine's « votre opposition porte le total à … », or null. */
  consequence: string | null;
  url: string;
}): MailContent {
  const until = frenchDateWithWeekday(input.deadline);
  const left =
    input.daysLeft === 0
      ? { fr: 'C’est aujourd’hui le dernier jour.', en: 'Today is the last day.' }
      : input.daysLeft === 1
        ? { fr: 'Il reste un jour : demain est le dernier jour.', en: 'One day is left: tomorrow is the last day.' }
        : { fr: `Il reste ${input.daysLeft} jours.`, en: `${input.daysLeft} days are left.` };
  const moved =
    input.nominalDeadline !== input.deadline
      ? `, le ${frenchDateWithWeekday(input.nominalDeadline)} n’étant pas un jour ouvrable (CPC, art. 642)`
      : '';
  return {
    subject: `Délai d’opposition de ${input.organisation} : jusqu’au ${frenchDate(input.deadline)} – ${input.negotiation}`,
    fr: [
      'Bonjour,',
      `L’accord « ${input.negotiation} » a été notifié à ${input.organisation} le ${frenchDate(input.notifiedAt)}. Syndicat représentatif non signataire, ${input.organisation} peut former opposition jusqu’au ${until} inclus : 15 jours à compter de la notification (Code du travail, L2232-6)${moved}. ${left.fr}`,
      ...(input.consequence ? [`Si ${input.organisation} formait opposition aujourd’hui : ${input.consequence}`] : []),
      `L’opposition est écrite et motivée ; seul un signataire désigné par ${input.organisation} peut la former en son nom, après avoir ressaisi son mot de passe. Si votre organisation ne souhaite pas s’opposer, ignorez ce message.`,
    ],
    en: [
      'Hello,',
      `The agreement “${input.negotiation}” was notified to ${input.organisation} on ${input.notifiedAt}. As a representative union that did not sign, ${input.organisation} may file a written, reasoned opposition until ${input.deadline} included. ${left.en}`,
    ],
    action: { url: input.url, fr: 'Voir la campagne et les délais', en: 'See the campaign and deadlines' },
  };
}
