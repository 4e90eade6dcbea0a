import { Types, type Connection } from 'mongoose';
import { parisLocalToUtc, parisParts } from '../../shared/sessions/paris-time.ts';
import type { EventContent, EventPayload, EventType } from '../../shared/events.ts';
import type { Stance } from '../../shared/positions/position.ts';
import type { AgendaItem, AttendanceRecord } from '../../shared/sessions/session.ts';
import { tallyVote, type VoteChoice } from '../../shared/votes/tally.ts';
import type { EventLog } from '../events/event-log.ts';
import { votingOrganisations } from '../votes/vote.service.ts';
import { composeMinutes } from './session.service.ts';

/**
 * The demo's sessions, written as the log would have recorded them (back-dated events):
 * the 2023 session of 26 September that opened the avenant for signature, with approved
 * minutes; on the live negotiation, a past session with circulated minutes and an upcoming one.
 */

export interface SeedSessionIds {
  negotiations: { cppni: string; tempsDeTravail: string };
  organisations: Record<string, string>;
  users: Record<string, string>;
  articles: { cppni: string[]; tempsDeTravail: string[] };
}

const SECRETARIAT = 'secretariat@axess.demo';
const DELEGATES: Record<string, { email: string; name: string }> = {
  AXESS: { email: 'negociateur@axess.demo', name: 'Claire Marchand' },
  CFDT: { email: 'delegue@cfdt.demo', name: 'Nadia Benali' },
  CGT: { email: 'delegue@cgt.demo', name: 'Thomas Lefèvre' },
  FO: { email: 'delegue@fo.demo', name: 'Isabelle Moreau' },
  SUD: { email: 'delegue@sud.demo', name: 'Karim Haddad' },
  CFTC: { email: 'delegue@cftc.demo', name: 'Sophie Garnier' },
};

class Writer {
  private readonly events: EventLog;
  private readonly connection: Connection;
  private readonly ids: SeedSessionIds;
  private readonly negotiationId: string;

  constructor(connection: Connection, events: EventLog, ids: SeedSessionIds, negotiationId: string) {
    this.connection = connection;
    this.events = events;
    this.ids = ids;
    this.negotiationId = negotiationId;
  }

  async secretariat<K extends EventType>(at: Date, type: K, payload: EventPayload<K>): Promise<void> {
    const content = { type, payload } as EventContent<K>;
    await this.events.record(this.negotiationId, { actor: this.ids.users[SECRETARIAT], org: this.ids.organisations.AXESS }, [content], at);
  }

  async position(
    at: Date,
    org: string,
    sessionId: string,
    position: { stance: Stance; statement: string; liminary: boolean; item: { kind: 'text' } | { kind: 'article'; id: string } },
  ): Promise<void> {
    const delegate = DELEGATES[org];
    const payload = {
      org: this.ids.organisations[org],
      orgShortName: org,
      declaredBy: { userId: this.ids.users[delegate.email], name: delegate.name },
      sessionId,
      ...position,
    };
    await this.events.record(this.negotiationId, { actor: this.ids.users[delegate.email], org: payload.org }, [{ type: 'position:declared', payload }], at);
  }

  async ballot(at: Date, payload: { voteId: string; org: string; choice: VoteChoice; castBy: { userId: string; name: string } }): Promise<void> {
    await this.events.record(this.negotiationId, { actor: payload.castBy.userId, org: payload.org }, [{ type: 'ballot:cast', payload }], at);
  }

  attendance(present: Record<string, string[]>, status: Record<string, AttendanceRecord['status']> = {}): AttendanceRecord[] {
    return Object.entries(this.ids.organisations)
      .filter(([shortName]) => shortName !== 'CMP')
      .map(([shortName, org]) => ({
        org,
        shortName,
        status: present[shortName] ? 'present' : (status[shortName] ?? 'absent'),
        delegates: present[shortName] ?? [],
      }));
  }

  minutes(sessionId: string): Promise<string> {
    return composeMinutes(this.connection, this.negotiationId, sessionId);
  }
}

const minutesLater = (at: Date, minutes: number) => new Date(at.getTime() + minutes * 60_000);

async function seedSeptember2023(connection: Connection, events: EventLog, ids: SeedSessionIds): Promise<void> {
  const w = new Writer(connection, events, ids, ids.negotiations.cppni);
  const sessionId = new Types.ObjectId().toHexString();
  const [, art1, art2, art3] = ids.articles.cppni;
  const startsAt = parisLocalToUtc('2023-09-26T09:30');
  const agenda: AgendaItem[] = [
    { kind: 'free', title: 'Déclarations liminaires', text: 'Chaque délégation présente sa position sur le projet d’avenant.' },
    { kind: 'article', articleId: art1, title: 'Article 1 – Objet' },
    { kind: 'article', articleId: art2, title: 'Article 2 – Méthode et calendrier de la négociation de la CCUE' },
    { kind: 'article', articleId: art3, title: 'Article 3 – Moyens alloués à la négociation' },
    { kind: 'free', title: 'Ouverture de l’avenant n° 1 à la signature', text: 'Le secrétariat ouvre le texte à la signature des organisations.' },
  ];
  await w.secretariat(parisLocalToUtc('2023-09-12T10:00'), 'session:convened', {
    sessionId,
    title: 'CPPNI – séance plénière',
    startsAt: startsAt.toISOString(),
    endsAt: minutesLater(startsAt, 210).toISOString(),
    place: 'Paris, siège de la CPPNI',
    videoLink: null,
    agenda,
    documents: [],
  });
  await w.secretariat(minutesLater(startsAt, -5), 'session:attendance-recorded', {
    sessionId,
    entries: w.attendance({
      AXESS: ['Claire Marchand', 'Julien Roussel'],
      CFDT: ['Nadia Benali'],
      CGT: ['Thomas Lefèvre'],
      FO: ['Isabelle Moreau'],
      SUD: ['Karim Haddad'],
      CFTC: ['Sophie Garnier'],
      'CFE-CGC': [],
    }),
  });
  await w.secretariat(startsAt, 'session:opened', { sessionId });
  const declarations: [string, Stance, string][] = [
    ['CFDT', 'signera', 'La CFDT considère que cet avenant donne à la négociation de la CCUE une méthode et des moyens ; elle le signera.'],
    ['CGT', 's’opposera', 'La CGT refuse une méthode qui ouvre la voie à un nivellement des garanties conventionnelles ; elle s’opposera au texte.'],
    ['FO', 's’opposera', 'FO ne peut accepter un calendrier qui préjuge du contenu de la future convention ; elle s’opposera au texte.'],
    ['SUD', 's’opposera', 'SUD dénonce un avenant négocié sans mandat des salariés du secteur et s’y opposera.'],
  ];
  for (const [i, [org, stance, statement]] of declarations.entries()) {
    await w.position(minutesLater(startsAt, 5 + i * 10), org, sessionId, { stance, statement, liminary: true, item: { kind: 'text' } });
  }
  for (const index of [1, 2, 3, 4]) {
    await w.secretariat(minutesLater(startsAt, 45 + index * 30), 'session:item-changed', { sessionId, index, item: agenda[index] });
  }
  const closedAt = minutesLater(startsAt, 200);
  await w.secretariat(closedAt, 'session:closed', { sessionId, versionId: null, nextSession: null });
  const drafted = await w.minutes(sessionId);
  await w.secretariat(minutesLater(closedAt, 60), 'minutes:drafted', { sessionId, text: drafted, by: 'Julien Roussel' });
  // The secretariat's edit before approval: the opening for signature, decided orally.
  const approved = drafted.replace(
    'Aucune décision n’a été prise.',
    '1. L’avenant n° 1 à l’accord CPPNI est ouvert à la signature des organisations représentatives à l’issue de la séance.',
  );
  await w.secretariat(parisLocalToUtc('2023-10-05T11:00'), 'minutes:approved', { sessionId, text: approved, by: 'Julien Roussel' });
}

/** A Paris date `days` from now, at the given hour. */
function parisDay(now: Date, days: number, time: string): Date {
  const { date } = parisParts(new Date(now.getTime() + days * 86_400_000));
  return parisLocalToUtc(`${date}T${time}`);
}

async function seedLiveNegotiation(connection: Connection, events: EventLog, ids: SeedSessionIds, now: Date): Promise<void> {
  const w = new Writer(connection, events, ids, ids.negotiations.tempsDeTravail);
  const articles = ids.articles.tempsDeTravail;
  const pastId = new Types.ObjectId().toHexString();
  const pastStart = parisDay(now, -14, '14:00');
  const pastAgenda: AgendaItem[] = [
    { kind: 'free', title: 'Calendrier de la négociation', text: 'Présentation des échéances fixées par les pouvoirs publics.' },
    { kind: 'article', articleId: articles[2], title: 'Article 2 – Définition du temps de travail effectif' },
    { kind: 'article', articleId: articles[3], title: 'Article 3 – Temps de pause' },
  ];
  await w.secretariat(parisDay(now, -30, '10:00'), 'session:convened', {
    sessionId: pastId,
    title: 'Temps de travail – première séance',
    startsAt: pastStart.toISOString(),
    endsAt: minutesLater(pastStart, 180).toISOString(),
    place: 'Paris, siège de la CPPNI',
    videoLink: 'https://visio.example.org/cppni-temps-de-travail',
    agenda: pastAgenda,
    documents: [],
  });
  await w.secretariat(minutesLater(pastStart, -5), 'session:attendance-recorded', {
    sessionId: pastId,
    entries: w.attendance(
      { AXESS: ['Claire Marchand', 'Julien Roussel'], CFDT: ['Nadia Benali'], CGT: ['Thomas Lefèvre'], FO: ['Isabelle Moreau'] },
      { SUD: 'excused' },
    ),
  });
  await w.secretariat(pastStart, 'session:opened', { sessionId: pastId });
  // An indicative vote on article 2, recorded against the session (no position: the ledger of
  // the live draft starts empty).
  await w.secretariat(minutesLater(pastStart, 5), 'session:item-changed', { sessionId: pastId, index: 1, item: pastAgenda[1] });
  const voteId = new Types.ObjectId().toHexString();
  const secretariat = { userId: ids.users[SECRETARIAT], name: 'Julien Roussel' };
  await w.secretariat(minutesLater(pastStart, 10), 'vote:opened', {
    voteId,
    title: 'Définition du temps de travail effectif (article 2)',
    item: { kind: 'article', id: articles[2] },
    rule: 'double-majority',
    sessionId: pastId,
    openedBy: secretariat,
  });
  const choices: [string, VoteChoice][] = [['AXESS', 'pour'], ['CFDT', 'pour'], ['CGT', 'contre'], ['FO', 'pour']];
  const ballots = choices.map(([org, choice]) => ({ org: ids.organisations[org], choice, castBy: { userId: ids.users[DELEGATES[org].email], name: DELEGATES[org].name } }));
  for (const [i, ballot] of ballots.entries()) await w.ballot(minutesLater(pastStart, 20 + i), { voteId, ...ballot });
  const voters = await votingOrganisations(connection, ids.negotiations.tempsDeTravail);
  await w.secretariat(minutesLater(pastStart, 30), 'vote:closed', { voteId, result: tallyVote('double-majority', voters, ballots), closedBy: secretariat });
  await w.secretariat(minutesLater(pastStart, 100), 'session:item-changed', { sessionId: pastId, index: 2, item: pastAgenda[2] });
  const closedAt = minutesLater(pastStart, 170);

  // The upcoming session is convened before the past one's minutes are drafted: they announce it.
  const nextId = new Types.ObjectId().toHexString();
  const nextStart = parisDay(now, 10, '14:00');
  await w.secretariat(minutesLater(closedAt, 10), 'session:convened', {
    sessionId: nextId,
    title: 'Temps de travail – deuxième séance',
    startsAt: nextStart.toISOString(),
    endsAt: minutesLater(nextStart, 180).toISOString(),
    place: 'Paris, siège de la CPPNI',
    videoLink: 'https://visio.example.org/cppni-temps-de-travail',
    agenda: [
      { kind: 'free', title: 'Approbation du relevé de décisions de la séance précédente', text: '' },
      { kind: 'article', articleId: articles[4], title: 'Article 4 – Temps d’habillage et de déshabillage' },
      { kind: 'article', articleId: articles[5], title: 'Article 5 – Durée hebdomadaire de référence' },
      { kind: 'vote', title: 'Vote indicatif sur l’article 5', voteId: null },
      { kind: 'free', title: 'Questions diverses', text: 'Calendrier des prochaines séances.' },
    ],
    documents: [],
  });
  await w.secretariat(closedAt, 'session:closed', { sessionId: pastId, versionId: null, nextSession: null });
  const drafted = await w.minutes(pastId);
  await w.secretariat(minutesLater(closedAt, 60), 'minutes:drafted', { sessionId: pastId, text: drafted, by: 'Julien Roussel' });
  await w.secretariat(minutesLater(closedAt, 24 * 60), 'minutes:circulated', { sessionId: pastId, text: drafted, by: 'Julien Roussel' });
}

export async function seedDemoSessions(connection: Connection, events: EventLog, ids: SeedSessionIds, now: Date): Promise<void> {
  await seedSeptember2023(connection, events, ids);
  await seedLiveNegotiation(connection, events, ids, now);
}
