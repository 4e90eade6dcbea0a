import type { Role } from '../../shared/access.ts';
import type { ArticleStatus, NegotiationLevel, NegotiationStatus, OrgCollege, PhaseDeadline, WeightsSource } from '../../shared/identity.ts';

/**
 * The seeded demo, as data: the parties of the BASS, the 2023 avenant to the CPPNI agreement
 * (opened for signature on 26 September 2023, signed by the CFDT alone, void after the
 * majority opposition of CGT, FO and SUD), and a live draft on working time in the CCUE.
 * The texts are written for the demo in the style of such agreements; they are not the
 * texts that were negotiated.
 */

export const DEMO_PASSWORD = 'demo-negociation';

export interface DemoOrganisation {
  shortName: string;
  fullName: string;
  college: OrgCollege;
  weight: number;
  representative: boolean;
  source: WeightsSource | null;
}

export const ARRETE_2017: WeightsSource = {
  arrete:
    'Arrêté du 22 décembre 2017 fixant la liste des organisations syndicales reconnues représentatives dans le secteur sanitaire, social et médico-social privé à but non lucratif',
  date: '2017-12-22',
};

export const DEMO_ORGANISATIONS: DemoOrganisation[] = [
  {
    shortName: 'AXESS',
    fullName: 'AXESS, Confédération des employeurs du secteur sanitaire, social et médico-social privé à but non lucratif',
    college: 'employer',
    weight: 100,
    representative: true,
    source: null,
  },
  {
    shortName: 'CFDT',
    fullName: 'Fédération nationale des syndicats des services de santé et services sociaux CFDT',
    college: 'union',
    weight: 38.5,
    representative: true,
    source: ARRETE_2017,
  },
  {
    shortName: 'CGT',
    fullName: 'Fédération CGT de la santé et de l’action sociale',
    college: 'union',
    weight: 35.18,
    representative: true,
    source: ARRETE_2017,
  },
  {
    shortName: 'FO',
    fullName: 'Fédération nationale de l’action sociale Force ouvrière',
    college: 'union',
    weight: 14.69,
    representative: true,
    source: ARRETE_2017,
  },
  {
    shortName: 'SUD',
    fullName: 'Fédération SUD Santé Sociaux (Solidaires)',
    college: 'union',
    weight: 11.63,
    representative: true,
    source: ARRETE_2017,
  },
  {
    shortName: 'CFTC',
    fullName: 'Fédération CFTC Santé et Sociaux',
    college: 'union',
    weight: 0,
    representative: false,
    source: null,
  },
  {
    shortName: 'CFE-CGC',
    fullName: 'Fédération française Santé, Médecine et Action sociale CFE-CGC',
    college: 'union',
    weight: 0,
    representative: false,
    source: null,
  },
  {
    shortName: 'CMP',
    fullName: 'Présidence de la commission mixte paritaire (ministère du Travail)',
    college: 'neutral',
    weight: 0,
    representative: false,
    source: null,
  },
];

export interface DemoAccount {
  email: string;
  name: string;
  organisation: string;
  roles: Role[];
}

export const DEMO_ACCOUNTS: DemoAccount[] = [
  { email: 'negociateur@axess.demo', name: 'Claire Marchand', organisation: 'AXESS', roles: ['negotiator', 'signatory', 'lead'] },
  { email: 'secretariat@axess.demo', name: 'Julien Roussel', organisation: 'AXESS', roles: ['secretariat'] },
  { email: 'delegue@cfdt.demo', name: 'Nadia Benali', organisation: 'CFDT', roles: ['delegate', 'signatory', 'lead'] },
  { email: 'delegue@cgt.demo', name: 'Thomas Lefèvre', organisation: 'CGT', roles: ['delegate', 'signatory', 'lead'] },
  { email: 'delegue@fo.demo', name: 'Isabelle Moreau', organisation: 'FO', roles: ['delegate', 'signatory', 'lead'] },
  { email: 'delegue@sud.demo', name: 'Karim Haddad', organisation: 'SUD', roles: ['delegate', 'signatory', 'lead'] },
  { email: 'delegue@cftc.demo', name: 'Sophie Garnier', organisation: 'CFTC', roles: ['delegate', 'lead'] },
  { email: 'president@cmp.demo', name: 'Michel Fournier', organisation: 'CMP', roles: ['chair', 'lead'] },
];

export interface DemoArticle {
  number: string;
  title: string;
  titre?: string;
  chapitre?: string;
  status: ArticleStatus;
  kind?: 'preamble' | 'article';
  paragraphs: string[];
}

export interface DemoNegotiation {
  key: 'cppni' | 'tempsDeTravail';
  title: string;
  level: NegotiationLevel;
  status: NegotiationStatus;
  phaseDeadlines: PhaseDeadline[];
  articles: DemoArticle[];
}

const CPPNI: DemoNegotiation = {
  key: 'cppni',
  title: 'Avenant n° 1 à l’accord CPPNI',
  level: 'branch',
  status: 'void',
  phaseDeadlines: [
    { label: 'Mise à signature', date: '2023-09-26' },
    { label: 'Notification aux organisations représentatives', date: '2023-09-28' },
    { label: 'Fin du délai d’opposition', date: '2023-10-13' },
  ],
  articles: [
    {
      number: 'Préambule',
      title: 'Préambule',
      kind: 'preamble',
      status: 'agreed ad referendum',
      paragraphs: [
        'Les partenaires sociaux de la branche sanitaire, sociale et médico-sociale privée à but non lucratif (BASS) se sont engagés, au sein de la commission paritaire permanente de négociation et d’interprétation (CPPNI), dans la construction d’une convention collective unique et étendue (CCUE).',
        'La crise d’attractivité que traverse le secteur appelle des réponses immédiates pour les professionnels percevant les plus bas salaires, sans attendre l’aboutissement de la négociation de la CCUE.',
        'Le présent avenant fixe en conséquence la méthode et le calendrier de cette négociation, les moyens qui y sont consacrés, et des mesures salariales ciblées ouvrant la voie au futur dispositif de classification et de rémunération.',
      ],
    },
    {
      number: '1',
      title: 'Objet',
      status: 'agreed ad referendum',
      paragraphs: [
        'Le présent avenant complète l’accord relatif à la CPPNI de la branche. Il a pour objet d’organiser la négociation de la convention collective unique et étendue et d’instaurer, à titre transitoire, une prime de revalorisation des bas salaires.',
      ],
    },
    {
      number: '2',
      title: 'Méthode et calendrier de la négociation de la CCUE',
      status: 'agreed ad referendum',
      paragraphs: [
        'Les parties signataires s’engagent à mener à son terme la négociation de la CCUE. Les thèmes sont négociés selon l’ordre suivant : classifications et rémunérations, temps de travail et congés, prévoyance et santé au travail, dialogue social.',
        'La CPPNI se réunit au moins deux fois par mois en séance plénière. Un relevé de décisions est établi à l’issue de chaque séance et adressé à l’ensemble des organisations.',
        'Un point d’étape est présenté aux pouvoirs publics à l’issue de chaque thème.',
      ],
    },
    {
      number: '3',
      title: 'Moyens alloués à la négociation',
      status: 'agreed ad referendum',
      paragraphs: [
        'Chaque organisation syndicale représentative dispose, pour la préparation des séances, d’un crédit de dix jours de travail par mois, pris en charge par le fonds du paritarisme de la branche.',
        'Les frais de déplacement et de séjour des membres des délégations sont remboursés dans les conditions prévues par l’accord CPPNI.',
      ],
    },
    {
      number: '4',
      title: 'Prime de revalorisation des bas salaires',
      status: 'agreed ad referendum',
      paragraphs: [
        'Une prime mensuelle est versée aux salariés dont la rémunération annuelle brute est inférieure à 23 822 euros. Son montant est fixé de façon à porter l’augmentation de leur rémunération jusqu’à 7 %, selon le barème figurant en annexe.',
        'La prime est due à compter du 1er juillet 2023. Les sommes dues au titre de la période antérieure à l’agrément du présent avenant sont versées en une fois avec la paie du mois suivant cet agrément.',
      ],
    },
    {
      number: '5',
      title: 'Garantie Ségur et rémunération minimale conventionnelle',
      status: 'agreed ad referendum',
      paragraphs: [
        'En cas d’obtention des financements correspondants, la garantie résultant des mesures dites « Ségur » est appliquée par anticipation à l’ensemble des salariés de la branche.',
        'Le niveau de rémunération minimal de la future classification est fixé à 23 822 euros bruts annuels.',
      ],
    },
    {
      number: '6',
      title: 'Durée, entrée en vigueur, dépôt et agrément',
      status: 'agreed ad referendum',
      paragraphs: [
        'Le présent avenant est conclu pour une durée indéterminée. Il entre en vigueur le lendemain de la publication de l’arrêté d’agrément prévu à l’article L. 314-6 du code de l’action sociale et des familles.',
        'Il fait l’objet d’un dépôt auprès des services du ministère chargé du travail et d’une demande d’extension.',
      ],
    },
  ],
};

const TITRE_1 = 'Titre I – Dispositions générales';
const TITRE_2 = 'Titre II – Durée et aménagement du temps de travail';
const TITRE_3 = 'Titre III – Forfaits, temps partiel et dispositions finales';
const CHAPITRE_DUREES = 'Chapitre 1 – Durées du travail';
const CHAPITRE_SUJETIONS = 'Chapitre 2 – Sujétions particulières';

const TEMPS_DE_TRAVAIL: DemoNegotiation = {
  key: 'tempsDeTravail',
  title: 'Accord relatif au temps de travail dans la CCUE',
  level: 'branch',
  status: 'in negotiation',
  phaseDeadlines: [
    { label: 'Remise du projet employeur consolidé', date: '2027-01-15' },
    { label: 'Fin de la phase de négociation', date: '2027-03-31' },
    { label: 'Ouverture à la signature', date: '2027-04-15' },
  ],
  articles: [
    {
      number: 'Préambule',
      title: 'Préambule',
      kind: 'preamble',
      status: 'open',
      paragraphs: [
        'Les établissements et services de la branche accompagnent, de jour comme de nuit, des personnes vulnérables. L’organisation du temps de travail doit concilier la continuité de cet accompagnement, la santé des professionnels et l’équilibre entre leur vie professionnelle et leur vie personnelle.',
        'Le présent accord constitue le titre de la CCUE consacré au temps de travail. Il se substitue aux stipulations des conventions et accords antérieurs ayant le même objet.',
      ],
    },
    {
      number: '1',
      title: 'Champ d’application',
      titre: TITRE_1,
      status: 'agreed ad referendum',
      paragraphs: [
        'Le présent accord s’applique aux employeurs et aux salariés relevant du champ d’application de la convention collective unique et étendue, tel que défini à son titre préliminaire.',
      ],
    },
    {
      number: '2',
      title: 'Définition du temps de travail effectif',
      titre: TITRE_1,
      status: 'agreed ad referendum',
      paragraphs: [
        'Le temps de travail effectif est le temps pendant lequel le salarié est à la disposition de l’employeur et se conforme à ses directives sans pouvoir vaquer librement à des occupations personnelles.',
        'Sont notamment du temps de travail effectif les temps de réunion institutionnelle, d’analyse de la pratique et de transmission entre équipes.',
      ],
    },
    {
      number: '3',
      title: 'Temps de pause',
      titre: TITRE_1,
      status: 'open',
      paragraphs: [
        'Dès que le temps de travail quotidien atteint six heures, le salarié bénéficie d’une pause d’une durée minimale de vingt minutes consécutives.',
        'Lorsque le salarié ne peut s’éloigner de son poste pendant la pause, notamment en raison de la surveillance des personnes accompagnées, celle-ci est rémunérée et comptée comme temps de travail effectif.',
      ],
    },
    {
      number: '4',
      title: 'Temps d’habillage et de déshabillage',
      titre: TITRE_1,
      status: 'open',
      paragraphs: [
        'Lorsque le port d’une tenue de travail est imposé et que l’habillage et le déshabillage doivent être réalisés sur le lieu de travail, ce temps fait l’objet d’une contrepartie sous forme de repos ou sous forme financière, fixée par accord d’entreprise ou, à défaut, à dix minutes par jour travaillé.',
      ],
    },
    {
      number: '5',
      title: 'Durée hebdomadaire de référence',
      titre: TITRE_2,
      chapitre: CHAPITRE_DUREES,
      status: 'bracketed',
      paragraphs: [
        'La durée du travail effectif des salariés à temps plein est fixée à [35 heures par semaine] [1 607 heures par an, journée de solidarité comprise].',
        'Les heures accomplies au-delà de cette durée sont des heures supplémentaires, majorées de [25 %] [25 % pour les huit premières et 50 % au-delà].',
      ],
    },
    {
      number: '6',
      title: 'Durées maximales et repos',
      titre: TITRE_2,
      chapitre: CHAPITRE_DUREES,
      status: 'open',
      paragraphs: [
        'La durée quotidienne du travail effectif ne peut excéder dix heures. Elle peut être portée à douze heures pour les personnels assurant la continuité de l’accompagnement, dans la limite de trois journées consécutives.',
        'Le salarié bénéficie d’un repos quotidien d’au moins onze heures consécutives et d’un repos hebdomadaire de deux jours, dont au moins un dimanche sur deux.',
      ],
    },
    {
      number: '7',
      title: 'Aménagement du temps de travail sur une période supérieure à la semaine',
      titre: TITRE_2,
      chapitre: CHAPITRE_DUREES,
      status: 'open',
      paragraphs: [
        'La durée du travail peut être aménagée sur une période de référence de douze semaines au plus. Le programme indicatif de la répartition de la durée du travail est communiqué aux salariés au moins quinze jours avant le début de la période.',
        'Toute modification des horaires est notifiée au salarié au moins sept jours à l’avance, sauf urgence liée à la sécurité des personnes accompagnées.',
      ],
    },
    {
      number: '8',
      title: 'Travail de nuit',
      titre: TITRE_2,
      chapitre: CHAPITRE_SUJETIONS,
      status: 'reserved',
      paragraphs: [
        'Tout travail effectué entre 21 heures et 7 heures est considéré comme travail de nuit.',
        'Chaque heure de travail de nuit ouvre droit à une majoration de 15 % du salaire de base et à un repos compensateur de 7 % du temps travaillé de nuit.',
      ],
    },
    {
      number: '8 bis',
      title: 'Séjours et transferts',
      titre: TITRE_2,
      chapitre: CHAPITRE_SUJETIONS,
      status: 'open',
      paragraphs: [
        'Le salarié qui accompagne des personnes accueillies lors d’un séjour extérieur d’au moins une nuit bénéficie, par nuit passée sur le lieu du séjour, d’une indemnité et d’un temps de repos dont les montants sont fixés par l’annexe relative aux rémunérations.',
      ],
    },
    {
      number: '9',
      title: 'Astreintes',
      titre: TITRE_2,
      chapitre: CHAPITRE_SUJETIONS,
      status: 'bracketed',
      paragraphs: [
        'Une période d’astreinte s’entend comme une période pendant laquelle le salarié, sans être sur son lieu de travail, doit être en mesure d’intervenir.',
        'Chaque période d’astreinte ouvre droit à une indemnité forfaitaire de [20 euros par nuit] [30 euros par nuit et 50 euros par jour de repos hebdomadaire ou férié]. La durée de l’intervention est du temps de travail effectif.',
      ],
    },
    {
      number: '10',
      title: 'Forfait annuel en jours des cadres',
      titre: TITRE_3,
      status: 'bracketed',
      paragraphs: [
        'Les cadres disposant d’une autonomie dans l’organisation de leur emploi du temps peuvent conclure une convention individuelle de forfait en jours, dans la limite de [207] [210] jours travaillés par an.',
        'L’employeur s’assure régulièrement que la charge de travail du salarié est raisonnable ; un entretien annuel porte sur la charge de travail, l’organisation du travail et l’articulation avec la vie personnelle.',
      ],
    },
    {
      number: '11',
      title: 'Temps partiel',
      titre: TITRE_3,
      status: 'open',
      paragraphs: [
        'La durée minimale du travail des salariés à temps partiel est fixée à vingt-quatre heures par semaine, sauf demande écrite et motivée du salarié.',
        'Les heures complémentaires sont majorées de 10 % dans la limite du dixième de la durée contractuelle et de 25 % au-delà.',
      ],
    },
    {
      number: '12',
      title: 'Compte épargne-temps',
      titre: TITRE_3,
      status: 'open',
      paragraphs: [
        'Un compte épargne-temps peut être ouvert à la demande de tout salarié justifiant d’une ancienneté d’un an. Il peut être alimenté par les jours de repos compensateur, la cinquième semaine de congés payés et, dans la limite de cinq jours par an, les jours de repos au titre du forfait.',
      ],
    },
    {
      number: '13',
      title: 'Suivi, durée et entrée en vigueur',
      titre: TITRE_3,
      status: 'open',
      paragraphs: [
        'Une commission de suivi, composée d’un représentant de chaque organisation signataire, se réunit une fois par an pendant trois ans.',
        'Le présent accord est conclu pour une durée indéterminée. Il entre en vigueur le premier jour du mois civil suivant la publication de l’arrêté d’agrément prévu à l’article L. 314-6 du code de l’action sociale et des familles.',
      ],
    },
  ],
};

export const DEMO_NEGOTIATIONS: DemoNegotiation[] = [CPPNI, TEMPS_DE_TRAVAIL];
