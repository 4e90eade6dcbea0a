import type { Role } from '../../shared/access.ts';
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
