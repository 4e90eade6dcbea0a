import type { NegotiationEvent } from '../events.ts';
import type { TallyResult, VoteChoice, VoteRule } from '../votes/tally.ts';
import { frenchLongDate, frenchTime } from './paris-time.ts';
import type { AttendanceLine, AttendanceStatus, SessionView } from './session.ts';

/**
 * The relevé de décisions of a session, drafted from the log: what happened between its
 * opening and its close (or was recorded against it), in the register of such minutes.
 * Pure: the caller hands in the committee-visible events, the parties and the articles.
 *
 * The text is a small, plain markup that the secretariat edits collaboratively and that
 * the PDF and DOCX renderers lay out: `# ` title, `## ` section, `| a | b |` table rows,
 * `1. ` numbered decision, `- ` item, anything else a paragraph.
 */

export interface MinutesContext {
  negotiationTitle: string;
  session: SessionView;
  /** The parties at the table, in the order of the negotiation (the presidency among them). */
  organisations: readonly AttendanceParty[];
  articles: readonly { id: string; number: string; title: string }[];
  /** Every committee-visible event of the negotiation (amendments are named from their tabling). */
  events: readonly NegotiationEvent[];
  /** The next convened session, when there is one. */
  nextSession: { title: string; startsAt: string; place: string | null; videoLink: string | null } | null;
  /** The name of the version taken at the close. */
  versionName: string | null;
}

/** A party at the table; a `neutral` one is the presidency. */
export interface AttendanceParty {
  id: string;
  shortName: string;
  fullName?: string;
  college: 'employer' | 'union' | 'neutral';
}

/** The attendance of a session as every reader states it: one line per party, in the table's order. */
export function attendanceLines(parties: readonly AttendanceParty[], session: Pick<SessionView, 'attendance'>): AttendanceLine[] {
  return parties.map((party) => {
    const entry = session.attendance.find((a) => a.org === party.id);
    return {
      org: party.id,
      shortName: party.shortName,
      presidency: party.college === 'neutral',
      status: entry?.status ?? null,
      delegates: entry?.delegates ?? [],
    };
  });
}

export const ATTENDANCE_SECTION = 'Présences';

/** The attendance section of the minutes' text, from the stored attendance. */
export function renderAttendanceSection(lines: readonly AttendanceLine[], observers: readonly string[]): string[] {
  const out = [`## ${ATTENDANCE_SECTION}`, '| Organisation | Présence | Délégués |'];
  for (const line of lines) {
    const name = line.presidency ? `${line.shortName} (présidence)` : line.shortName;
    out.push(`| ${name} | ${line.status ? ATTENDANCE_LABEL[line.status] : 'non renseignée'} | ${line.delegates.length > 0 ? line.delegates.join(', ') : '—'} |`);
  }
  out.push(observers.length > 0 ? `Observateurs : ${observers.join(', ')}.` : 'Aucun observateur.');
  return out;
}

/**
 * The minutes' text with its attendance section replaced by the stored attendance: the
 * section is never the editor's to change, so the minutes cannot contradict the session.
 * A text that lost the section gets it back after its heading paragraphs.
 */
export function withAttendance(text: string, lines: readonly AttendanceLine[], observers: readonly string[]): string {
  const section = renderAttendanceSection(lines, observers);
  const rows = text.split('\n');
  const start = rows.findIndex((r) => r.trim() === `## ${ATTENDANCE_SECTION}`);
  if (start >= 0) {
    let end = rows.findIndex((r, i) => i > start && /^#{1,2}\s/.test(r));
    if (end < 0) end = rows.length;
    // Keep the blank line that separates the section from the next.
    while (end > start + 1 && rows[end - 1].trim() === '') end--;
    return [...rows.slice(0, start), ...section, ...rows.slice(end)].join('\n');
  }
  const firstSection = rows.findIndex((r) => /^##\s/.test(r));
  const at = firstSection < 0 ? rows.length : firstSection;
  return [...rows.slice(0, at), ...section, '', ...rows.slice(at)].join('\n');
}

export interface MinutesDraft {
  title: string;
  heading: string[];
  attendance: AttendanceLine[];
  observers: string[];
  declarations: string[];
  decisions: string[];
  next: string;
}

const ATTENDANCE_LABEL: Record<AttendanceStatus, string> = { present: 'présente', excused: 'excusée', absent: 'absente' };

const RULE_LABEL: Record<VoteRule, string> = {
  'double-majority': 'à la double majorité (majorité pondérée dans chaque collège)',
  'union-weighted': 'à la majorité pondérée du collège salarié',
  consensus: 'au consensus (aucune voix contre)',
};

const CHOICE_LABEL: Record<VoteChoice, string> = {
  pour: 'Pour',
  contre: 'Contre',
  abstention: 'Abstention',
  'ne prend pas part': 'Ne prend pas part',
};

export const ARTICLE_STATUS_LABEL: Record<string, string> = {
  open: 'ouvert',
  bracketed: 'entre crochets',
  'agreed ad referendum': 'accord ad referendum',
  reserved: 'réservé',
  withdrawn: 'retiré',
};

const STANCE_LABEL: Record<string, string> = {
  favorable: 'favorable',
  défavorable: 'défavorable',
  réservé: 'réservée',
  signera: 'signera',
  's’opposera': 's’opposera',
};

/** Whether an event belongs to the session: inside its log window, or recorded against it. */
export function inSession(session: SessionView, event: NegotiationEvent): boolean {
  const tagged = (event.payload as { sessionId?: unknown } | null)?.sessionId;
  if (tagged === session.id) return true;
  if (typeof tagged === 'string' && tagged !== session.id) return false;
  if (session.openedSeq === null) return false;
  return event.seq > session.openedSeq && (session.closedSeq === null || event.seq < session.closedSeq);
}

function articleLabel(ctx: MinutesContext, id: string, fallback?: string): string {
  const article = ctx.articles.find((a) => a.id === id);
  const number = article?.number ?? fallback ?? '?';
  return /^\d/.test(number) ? `l’article ${number}` : `le ${number.toLowerCase()}`;
}

interface Tabled {
  org: string;
  articleId: string;
  number: string;
  formula: string;
}

/** Builds the minutes' content. */
export function draftMinutes(ctx: MinutesContext): MinutesDraft {
  const { session } = ctx;

  const tabled = new Map<string, Tabled>();
  const amendmentNumber = new Map<string, number>();
  for (const event of ctx.events) {
    if (event.type !== 'amendment:tabled') continue;
    const p = event.payload as { amendmentId: string; articleId: string; target: { number: string }; org: { shortName: string }; formula: string };
    if (tabled.has(p.amendmentId)) continue;
    tabled.set(p.amendmentId, { org: p.org.shortName, articleId: p.articleId, number: p.target.number, formula: p.formula });
    amendmentNumber.set(p.amendmentId, amendmentNumber.size + 1);
  }
  const amendmentLabel = (id: string) => {
    const t = tabled.get(id);
    if (!t) return 'un amendement';
    return `l’amendement n° ${amendmentNumber.get(id)} (${t.org}) à ${articleLabel(ctx, t.articleId, t.number)}`;
  };

  const place = [session.place, session.videoLink ? `visioconférence : ${session.videoLink}` : null].filter(Boolean).join(' ; ');
  const heading = [
    `Séance du ${frenchLongDate(session.startsAt)}, ouverte à ${frenchTime(session.openedAt ?? session.startsAt)}${
      session.closedAt ? `, levée à ${frenchTime(session.closedAt)}` : ''
    }.`,
    `Lieu : ${place || 'non précisé'}.`,
    `Objet : ${session.title}.`,
  ];

  const attendance = attendanceLines(ctx.organisations, session);

  const events = ctx.events.filter((e) => inSession(session, e));
  const declarations: string[] = [];
  const decisions: string[] = [];
  const positions = events.filter((e) => e.type === 'position:declared');
  // Déclarations liminaires first, in the order they were made.
  for (const liminary of [true, false]) {
    for (const event of positions) {
      const p = event.payload as { org: string; orgShortName: string; declaredBy: { name: string }; stance: string; statement: string; liminary: boolean; item: { kind: string; id?: string } };
      if (p.liminary !== liminary) continue;
      const on =
        p.item.kind === 'text' ? 'sur l’ensemble du texte' : p.item.kind === 'article' ? `sur ${articleLabel(ctx, p.item.id ?? '')}` : `sur ${amendmentLabel(p.item.id ?? '')}`;
      const kind = liminary ? 'Déclaration liminaire' : 'Déclaration';
      const statement = p.statement ? ` : « ${p.statement} »` : '.';
      declarations.push(`${kind} de la délégation ${p.orgShortName} (${p.declaredBy.name}) ${on} (position : ${STANCE_LABEL[p.stance] ?? p.stance})${statement}`);
    }
  }

  const votes = new Map<string, { title: string; rule: VoteRule }>();
  for (const event of ctx.events) {
    if (event.type === 'vote:opened') {
      const p = event.payload as { voteId: string; title: string; rule: VoteRule };
      votes.set(p.voteId, { title: p.title, rule: p.rule });
    }
  }

  for (const event of events) {
    const p = event.payload as Record<string, unknown>;
    switch (event.type) {
      case 'amendment:tabled': {
        const t = tabled.get(String(p.amendmentId));
        if (t) {
          const n = amendmentNumber.get(String(p.amendmentId));
          decisions.push(`La délégation ${t.org} dépose l’amendement n° ${n} à ${articleLabel(ctx, t.articleId, t.number)}. ${t.formula}`);
        }
        break;
      }
      case 'amendment:adopted':
        decisions.push(`La commission adopte ${amendmentLabel(String(p.amendmentId))}.`);
        break;
      case 'amendment:rejected':
        decisions.push(`La commission rejette ${amendmentLabel(String(p.amendmentId))}.`);
        break;
      case 'amendment:withdrawn':
        decisions.push(`${capitalise(amendmentLabel(String(p.amendmentId)))} est retiré par ses auteurs.`);
        break;
      case 'amendment:merged':
        decisions.push(`${capitalise(amendmentLabel(String(p.amendmentId)))} est intégré au texte.`);
        break;
      case 'vote:closed': {
        const vote = votes.get(String(p.voteId));
        const result = p.result as TallyResult;
        const ballots = (Object.keys(CHOICE_LABEL) as VoteChoice[])
          .map((choice) => {
            const orgs = result.ballots.filter((b) => b.choice === choice).map((b) => b.shortName);
            return orgs.length > 0 ? `${CHOICE_LABEL[choice]} : ${orgs.join(', ')}` : null;
          })
          .filter(Boolean);
        const silent = result.ballots.filter((b) => b.choice === null).map((b) => b.shortName);
        if (silent.length > 0) ballots.push(`Sans bulletin : ${silent.join(', ')}`);
        const title = vote?.title ?? 'sans titre';
        // A title that already says "Vote…" is not repeated after "Vote indicatif".
        const named = /^vote\b/i.test(title) ? title : `Vote indicatif « ${title} »`;
        decisions.push(`${named}, ${RULE_LABEL[result.rule]} : ${result.adopted ? 'adopté' : 'non adopté'}. ${ballots.join(' ; ')}.`);
        break;
      }
      case 'article:status-changed': {
        const label = articleLabel(ctx, String(p.articleId), String(p.number));
        decisions.push(
          `${capitalise(label)} passe du statut « ${ARTICLE_STATUS_LABEL[String(p.from)] ?? p.from} » au statut « ${ARTICLE_STATUS_LABEL[String(p.to)] ?? p.to} ».`,
        );
        break;
      }
      case 'signature:opened': {
        const deadline = typeof p.signatureDeadline === 'string' ? `, jusqu’au ${frenchLongDate(`${p.signatureDeadline}T12:00:00Z`)}` : '';
        decisions.push(`Le texte est ouvert à la signature${deadline}.`);
        break;
      }
      default:
        break;
    }
  }
  if (ctx.versionName) decisions.push(`La version « ${ctx.versionName} » du texte est établie à la clôture de la séance.`);

  const next = ctx.nextSession
    ? `La prochaine séance se tiendra le ${frenchLongDate(ctx.nextSession.startsAt)} à ${frenchTime(ctx.nextSession.startsAt)}${
        ctx.nextSession.place ? `, ${ctx.nextSession.place}` : ctx.nextSession.videoLink ? ', en visioconférence' : ''
      } (${ctx.nextSession.title}).`
    : session.nextSession
      ? `Prochaine séance : ${session.nextSession}`
      : 'La date de la prochaine séance sera communiquée par le secrétariat.';

  return {
    title: `Relevé de décisions — ${ctx.negotiationTitle}`,
    heading,
    attendance,
    observers: session.observers,
    declarations,
    decisions,
    next,
  };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The draft as the editable text. */
export function renderMinutesText(draft: MinutesDraft): string {
  const lines = [`# ${draft.title}`, '', ...draft.heading, '', ...renderAttendanceSection(draft.attendance, draft.observers)];
  lines.push('', '## Déclarations');
  if (draft.declarations.length === 0) lines.push('Aucune déclaration n’a été faite.');
  else for (const d of draft.declarations) lines.push(`- ${d}`);
  lines.push('', '## Décisions');
  if (draft.decisions.length === 0) lines.push('Aucune décision n’a été prise.');
  else draft.decisions.forEach((d, i) => lines.push(`${i + 1}. ${d}`));
  lines.push('', '## Prochaine séance', draft.next, '');
  return lines.join('\n');
}

// --- The markup, read back for layout ------------------------------------------------------

export type MinutesBlock =
  | { kind: 'title'; text: string }
  | { kind: 'section'; text: string }
  | { kind: 'table'; header: string[]; rows: string[][] }
  | { kind: 'numbered'; number: number; text: string }
  | { kind: 'item'; text: string }
  | { kind: 'paragraph'; text: string };

const cells = (line: string) =>
  line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((c) => c.trim());

/** Parses the minutes' text into blocks (what the PDF and DOCX lay out). */
export function parseMinutes(text: string): MinutesBlock[] {
  const blocks: MinutesBlock[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimEnd();
    if (line.trim() === '') continue;
    let m: RegExpExecArray | null;
    if ((m = /^#\s+(.*)$/.exec(line))) blocks.push({ kind: 'title', text: m[1] });
    else if ((m = /^##\s+(.*)$/.exec(line))) blocks.push({ kind: 'section', text: m[1] });
    else if (line.trim().startsWith('|')) {
      const last = blocks.at(-1);
      if (last?.kind === 'table') last.rows.push(cells(line));
      else blocks.push({ kind: 'table', header: cells(line), rows: [] });
    } else if ((m = /^(\d+)\.\s+(.*)$/.exec(line))) blocks.push({ kind: 'numbered', number: Number(m[1]), text: m[2] });
    else if ((m = /^[-•]\s+(.*)$/.exec(line))) blocks.push({ kind: 'item', text: m[1] });
    else blocks.push({ kind: 'paragraph', text: line.trim() });
  }
  return blocks;
}

/** The numbered decisions of a minutes text, in order (for checks and summaries). */
export function decisionsOf(text: string): string[] {
  return parseMinutes(text)
    .filter((b): b is Extract<MinutesBlock, { kind: 'numbered' }> => b.kind === 'numbered')
    .map((b) => b.text);
}
