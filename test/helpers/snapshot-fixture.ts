import { createHash } from 'node:crypto';
import type { SignedSnapshot, SnapshotParty } from '../../shared/snapshot.ts';

/**
 * The 2023 story as a signed-version snapshot: « Avenant n° 1 à l'accord CPPNI » opened for
 * signature on 26 September 2023, signed by AXESS and the CFDT only, notified on the 28th,
 * opposed by the CGT, FO and SUD (61.50 %): void. Weights from the arrêté of 22 December 2017.
 *
 * A fresh object on every call: tests may change it freely.
 */

const ARRETE_2017 = { arrete: 'Arrêté du 22 décembre 2017', date: '2017-12-22' };

function union(id: string, shortName: string, fullName: string, weight: number): SnapshotParty {
  return { id, shortName, fullName, college: 'union', weight, representative: weight > 0, source: weight > 0 ? ARRETE_2017 : null };
}

/** What the parties signed: the hash of the version as opened for signature. */
export const SIGNED_VERSION_HASH = createHash('sha256').update('avenant-1-cppni/version-signature-2023-09-26').digest('hex');

export function makeSignedSnapshot(): SignedSnapshot {
  return {
    negotiation: { id: '650000000000000000000001', title: 'Avenant n° 1 à l’accord CPPNI', level: 'branch' },
    version: { id: '650000000000000000000101', name: 'Texte ouvert à la signature', kind: 'signature', createdAt: '2023-09-26T09:00:00.000Z' },
    parties: [
      {
        id: 'axess',
        shortName: 'AXESS',
        fullName: 'AXESS, Confédération des employeurs du secteur sanitaire, social et médico-social privé à but non lucratif',
        college: 'employer',
        weight: 100,
        representative: true,
        source: null,
      },
      union('cfdt', 'CFDT', 'Fédération nationale des syndicats des services de santé et services sociaux CFDT', 38.5),
      union('cgt', 'CGT', 'Fédération CGT de la santé et de l’action sociale', 35.18),
      union('fo', 'FO', 'Fédération nationale de l’action sociale Force ouvrière', 14.69),
      union('sud', 'SUD', 'Fédération SUD Santé Sociaux (Solidaires)', 11.63),
      union('cftc', 'CFTC', 'Fédération CFTC Santé et Sociaux', 0),
      union('cfe-cgc', 'CFE-CGC', 'Fédération française Santé, Médecine et Action sociale CFE-CGC', 0),
    ],
    text: {
      title:
        'Avenant n° 1 à l’accord du 12 juillet 2021 relatif à la commission paritaire permanente de négociation et d’interprétation (CPPNI) de la branche sanitaire, sociale et médico-sociale privée à but non lucratif',
      partiesClause: 'Il a été convenu ce qui suit :',
      preamble: [
        'La loi n° 2016-1088 du 8 août 2016 a confié à chaque branche professionnelle la mise en place d’une commission paritaire permanente de négociation et d’interprétation (CPPNI), dont les missions sont définies à l’article L. 2232-9 du code du travail.',
        'Les partenaires sociaux de la branche sanitaire, sociale et médico-sociale privée à but non lucratif ont institué cette commission par l’accord du 12 juillet 2021. Ils constatent que le rythme des réunions et les moyens alloués ne permettent pas de conduire dans de bonnes conditions la négociation d’une convention collective unique et étendue.',
        'Le présent avenant a pour objet de préciser la composition de la CPPNI, d’organiser le calendrier de ses réunions et de renforcer les moyens accordés aux organisations syndicales pour y participer.',
      ],
      titres: [
        {
          number: 'I',
          heading: 'Composition et missions de la commission',
          chapitres: [
            {
              number: null,
              heading: null,
              articles: [
                {
                  id: 'art-1',
                  number: '1',
                  heading: 'Composition de la commission',
                  paragraphs: [
                    'L’article 2 de l’accord du 12 juillet 2021 est désormais rédigé comme suit : « La CPPNI est composée :',
                    {
                      kind: 'list',
                      ordered: false,
                      items: [
                        'd’un collège salarié comprenant quatre représentants titulaires et deux suppléants par organisation syndicale représentative dans la branche ;',
                        'd’un collège employeur comprenant un nombre de représentants égal au nombre total de représentants du collège salarié. »',
                      ],
                    },
                  ],
                },
                {
                  id: 'art-2',
                  number: '2',
                  heading: 'Missions',
                  paragraphs: [
                    'La commission exerce les missions que lui confie l’article L. 2232-9 du code du travail. Elle établit chaque année un rapport d’activité comprenant un bilan des accords d’entreprise conclus dans le champ de la branche, notamment en matière de durée du travail, de repos quotidien, de jours fériés, de congés et de compte épargne-temps.',
                    'Saisie d’une demande d’interprétation, elle rend un avis dans un délai de deux mois. L’avis adopté à l’unanimité des organisations présentes est annexé à l’accord qu’il interprète.',
                  ],
                },
              ],
            },
          ],
        },
        {
          number: 'II',
          heading: 'Fonctionnement',
          chapitres: [
            {
              number: null,
              heading: null,
              articles: [
                {
                  id: 'art-3',
                  number: '3',
                  heading: 'Calendrier des réunions',
                  paragraphs: [
                    'La commission se réunit au moins huit fois par an en formation de négociation, selon un calendrier arrêté en début d’année. Une réunion supplémentaire est convoquée à la demande d’une ou plusieurs organisations représentant la majorité de l’un des collèges.',
                  ],
                },
                {
                  id: 'art-4',
                  number: '4',
                  heading: 'Moyens des organisations syndicales',
                  paragraphs: [
                    'Chaque organisation syndicale représentative bénéficie, pour chaque réunion plénière, d’une réunion préparatoire d’une journée. Les frais exposés par ses représentants sont pris en charge dans les limites suivantes :',
                    {
                      kind: 'table',
                      header: ['Frais', 'Prise en charge'],
                      rows: [
                        ['Transport', 'Tarif SNCF de 2e classe'],
                        ['Repas', 'Dans la limite de 20,70 € par repas'],
                        ['Hébergement', 'Dans la limite de 120 € par nuitée'],
                      ],
                    },
                    'Le maintien du salaire des représentants salariés est assuré par l’employeur, qui en obtient le remboursement auprès de l’association de gestion du paritarisme.',
                  ],
                },
              ],
            },
          ],
        },
      ],
      closingClauses: [
        {
          id: 'art-5',
          number: '5',
          heading: 'Durée et entrée en vigueur',
          paragraphs: [
            'Le présent avenant est conclu pour une durée indéterminée. Il entre en vigueur le lendemain de la publication au Journal officiel de l’arrêté d’agrément prévu à l’article L. 314-6 du code de l’action sociale et des familles.',
          ],
        },
        {
          id: 'art-6',
          number: '6',
          heading: 'Notification, dépôt, agrément et extension',
          paragraphs: [
            'Le présent avenant est notifié à l’ensemble des organisations représentatives à l’issue de la procédure de signature. Il est déposé auprès des services du ministre chargé du travail et présenté à l’agrément dans les conditions prévues à l’article L. 314-6 du code de l’action sociale et des familles. Les parties signataires en demandent l’extension.',
          ],
        },
      ],
      place: 'Paris',
      date: '2023-09-26',
    },
    signatures: [
      { org: 'axess', signatory: 'Claire Marchand', signedAt: '2023-09-26', versionHash: SIGNED_VERSION_HASH },
      { org: 'cfdt', signatory: 'Nadia Benali', signedAt: '2023-09-26', versionHash: SIGNED_VERSION_HASH },
    ],
    nonSignatories: ['cgt', 'fo', 'sud', 'cftc', 'cfe-cgc'],
    notifications: [
      { org: 'cgt', at: '2023-09-28' },
      { org: 'fo', at: '2023-09-28' },
      { org: 'sud', at: '2023-09-28' },
    ],
    oppositions: [
      { org: 'cgt', at: '2023-10-10', signatory: 'Thomas Lefèvre' },
      { org: 'fo', at: '2023-10-11', signatory: 'Isabelle Moreau' },
      { org: 'sud', at: '2023-10-12', signatory: 'Karim Haddad' },
    ],
    assessment: {
      status: 'void',
      signatureWeight: 38.5,
      signatureTestPassed: true,
      oppositionWeight: 61.5,
      oppositionMajority: true,
      oppositionDeadline: '2023-10-13',
      reasons: [
        'Signatures des organisations représentatives : 38,50 % (CFDT), au moins 30 % : texte conclu.',
        'Oppositions recevables : 61,50 % (CGT 35,18 %, FO 14,69 %, SUD 11,63 %), plus de 50 % : texte réputé non écrit.',
      ],
    },
  };
}
