import type { NegotiationEvent } from '../events.ts';
import { orderParties, type OrderedParty } from '../parties.ts';
import { articleInSentence, articleLabel as articleHeading, articleStatusLabel } from '../labels.ts';
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
export interface AttendanceParty extends OrderedParty {
  id: string;
  fullName?: string;
}

/**
 * The attendance of a session as every reader states it: one line per party, in the
 * negotiation's order (shared/parties.ts) whatever order the parties are handed in.
 */
export function attendanceLines(parties: readonly AttendanceParty[], session: Pick<SessionView, 'attendance'>): AttendanceLine[] {
  return orderParties(parties).map((party) => {
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
  /** Every agenda item, in the agenda's order: whether it was taken up, and what was decided on it. */
  items: { heading: string; reached: boolean; declarations: string[]; speakers: string[]; decisions: { number: number; summary: string }[] }[];
  decisions: string[];
  next: string;
}

const ATTENDANCE_LABEL: Record<AttendanceStatus, string> = { present: 'présente', excused: 'excusée', absent: 'absente' };

const RULE_LABEL: Record<VoteRule, string> = {
  'double-majority': 'à la double majorité (majorité pondérée dans chaque collège)',
  'union-weighted': 'à la majorité pondérée du collège salarié',
  consensus: 'au consensus (aucune voix contre)',
};

/** A frozen weight (hundredths of a percent) as the minutes state it: « 38,50 % ». */
const percent = (hundredths: number) => `${(hundredths / 100).toFixed(2).replace('.', ',')}\u00a0%`;

const CHOICE_LABEL: Record<VoteChoice, string> = {
  pour: 'Pour',
  contre: 'Contre',
  abstention: 'Abstention',
  'ne prend pas part': 'Ne prend pas part',
};

/** An article status inside a sentence of the minutes (« entre crochets »). */
const statusInSentence = (status: string) => articleStatusLabel(status).toLowerCase();

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
  return articleInSentence(article?.number ?? fallback ?? '?');
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

  // Each agenda item gets what was decided while it was the current one (from the opening on
  // the first item, then each item change), so the minutes say what was decided on each point.
  // Who had the floor on each item, in speaking order (the speakers list, « a parlé »).
  const spoke = (i: number) => (session.speakers?.[i] ?? []).filter((s) => s.spoke).map((s) => (s.name ? `${s.shortName} (${s.name})` : s.shortName));
  const items: MinutesDraft['items'] = session.agenda.map((item, i) => ({ heading: agendaHeading(ctx, item, votes), reached: false, declarations: [], speakers: spoke(i), decisions: [] }));
  let current = session.agenda.length > 0 && session.openedSeq !== null ? 0 : -1;
  if (current >= 0) items[0].reached = true;
  const decide = (text: string, summary: string) => {
    decisions.push(text);
    if (current >= 0 && items[current]) items[current].decisions.push({ number: decisions.length, summary });
  };
  const shortAmendment = (id: string) => {
    const t = tabled.get(id);
    return t ? `amendement n° ${amendmentNumber.get(id)} (${t.org})` : 'amendement';
  };
  for (const event of events) {
    const p = event.payload as Record<string, unknown>;
    switch (event.type) {
      case 'session:item-changed': {
        const index = Number(p.index);
        if (items[index]) {
          current = index;
          items[index].reached = true;
        }
        break;
      }
      case 'position:declared': {
        if (current >= 0 && items[current]) {
          const org = String(p.orgShortName);
          if (!items[current].declarations.includes(org)) items[current].declarations.push(org);
        }
        break;
      }
      case 'amendment:tabled': {
        const t = tabled.get(String(p.amendmentId));
        if (t) {
          const n = amendmentNumber.get(String(p.amendmentId));
          decide(`La délégation ${t.org} dépose l’amendement n° ${n} à ${articleLabel(ctx, t.articleId, t.number)}. ${t.formula}`, `${shortAmendment(String(p.amendmentId))} déposé`);
        }
        break;
      }
      case 'amendment:adopted':
        decide(`La commission adopte ${amendmentLabel(String(p.amendmentId))}.`, `${shortAmendment(String(p.amendmentId))} adopté`);
        break;
      case 'amendment:rejected':
        decide(`La commission rejette ${amendmentLabel(String(p.amendmentId))}.`, `${shortAmendment(String(p.amendmentId))} rejeté`);
        break;
      case 'amendment:withdrawn':
        decide(`${capitalise(amendmentLabel(String(p.amendmentId)))} est retiré par ses auteurs.`, `${shortAmendment(String(p.amendmentId))} retiré`);
        break;
      case 'amendment:merged':
        decide(`${capitalise(amendmentLabel(String(p.amendmentId)))} est intégré au texte.`, `${shortAmendment(String(p.amendmentId))} intégré au texte`);
        break;
      case 'vote:closed': {
        const vote = votes.get(String(p.voteId));
        const result = p.result as TallyResult;
        // The weighted rules decide by the weights frozen at the close: each ballot names its weight.
        const weighted = result.rule !== 'consensus';
        const named = (b: TallyResult['ballots'][number]) => (weighted ? `${b.shortName} (${percent(b.weight)})` : b.shortName);
        // A result stored before its ballots were ordered still names the parties in their order.
        const ordered = orderParties(result.ballots);
        const ballots = (Object.keys(CHOICE_LABEL) as VoteChoice[])
          .map((choice) => {
            const orgs = ordered.filter((b) => b.choice === choice).map(named);
            return orgs.length > 0 ? `${CHOICE_LABEL[choice]} : ${orgs.join(', ')}` : null;
          })
          .filter(Boolean);
        const silent = ordered.filter((b) => b.choice === null).map(named);
        if (silent.length > 0) ballots.push(`Sans bulletin : ${silent.join(', ')}`);
        const title = vote?.title ?? 'sans titre';
        // A title that already says "Vote…" is not repeated after "Vote indicatif".
        const voteName = /^vote\b/i.test(title) ? title : `Vote indicatif « ${title} »`;
        const outcome = result.adopted ? 'adopté' : 'non adopté';
        decide(`${voteName}, ${RULE_LABEL[result.rule]} : ${outcome}. ${ballots.join(' ; ')}.`, `vote « ${title} » ${outcome}`);
        break;
      }
      case 'article:status-changed': {
        const label = articleLabel(ctx, String(p.articleId), String(p.number));
        const to = statusInSentence(String(p.to));
        decide(`${capitalise(label)} passe du statut « ${statusInSentence(String(p.from))} » au statut « ${to} ».`, `${label.replace(/^l’/, '')} : ${to}`);
        break;
      }
      case 'signature:opened': {
        const deadline = typeof p.signatureDeadline === 'string' ? `, jusqu’au ${frenchLongDate(`${p.signatureDeadline}T12:00:00Z`)}` : '';
        decide(`Le texte est ouvert à la signature${deadline}.`, 'texte ouvert à la signature');
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
    items,
    decisions,
    next,
  };
}

/** An agenda item's name in the minutes: the article's number and title, the amendment, the vote it opened. */
function agendaHeading(ctx: MinutesContext, item: SessionView['agenda'][number], votes: Map<string, { title: string }>): string {
  switch (item.kind) {
    case 'article': {
      if (item.title) return item.title;
      const article = ctx.articles.find((a) => a.id === item.articleId);
      return article ? articleHeading(article) : 'Article';
    }
    case 'amendment':
      return item.title ?? 'Amendement';
    case 'vote': {
      const vote = item.voteId ? votes.get(item.voteId) : undefined;
      return vote && vote.title !== item.title ? `${item.title} (vote « ${vote.title} »)` : item.title;
    }
    case 'free':
      return item.title;
  }
}

/** « n° 1 à 3 », « n° 4, 6 ». */
function decisionNumbers(numbers: number[]): string {
  const contiguous = numbers.every((n, i) => i === 0 || n === numbers[i - 1] + 1);
  return contiguous && numbers.length > 2 ? `n° ${numbers[0]} à ${numbers.at(-1)}` : `n° ${numbers.join(', ')}`;
}

/** What the minutes say under an agenda item. */
function itemLine(item: MinutesDraft['items'][number]): string {
  if (!item.reached) return 'Point non abordé.';
  const parts: string[] = [];
  if (item.speakers.length > 0) parts.push(`Ont pris la parole : ${item.speakers.join(', ')}.`);
  if (item.declarations.length > 0) parts.push(`Déclarations : ${item.declarations.join(', ')}.`);
  if (item.decisions.length === 0) parts.push('Examiné, sans décision.');
  else {
    const numbers = item.decisions.map((d) => d.number);
    parts.push(`${numbers.length === 1 ? 'Décision' : 'Décisions'} ${decisionNumbers(numbers)} : ${item.decisions.map((d) => d.summary).join(' ; ')}.`);
  }
  return parts.join(' ');
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
  lines.push('', '## Points de l’ordre du jour');
  if (draft.items.length === 0) lines.push('L’ordre du jour était vide.');
  draft.items.forEach((item, i) => lines.push(`### ${i + 1}. ${item.heading}`, itemLine(item)));
  lines.push('', '## Décisions');
  if (draft.decisions.length === 0) lines.push('Aucune décision n’a été prise.');
  else draft.decisions.forEach((d, i) => lines.push(`${i + 1}. ${d}`));
  lines.push('', '## Prochaine séance', draft.next, '');
  return lines.join('\n');
}

// --- The markup, read back for layout ------------------------------------------------------

/** A stretch of text with its emphasis (rich-text minutes; the markup has none). */
export interface MinutesRun {
  text: string;
  bold?: boolean;
  italic?: boolean;
}

/** What the files lay out; `runs` carries the emphasis when the text has some, `depth` a list's nesting. */
export type MinutesBlock =
  | { kind: 'title'; text: string; runs?: MinutesRun[] }
  | { kind: 'section'; text: string; runs?: MinutesRun[] }
  | { kind: 'subsection'; text: string; runs?: MinutesRun[] }
  | { kind: 'table'; header: string[]; rows: string[][] }
  | { kind: 'numbered'; number: number; text: string; runs?: MinutesRun[]; depth?: number }
  | { kind: 'item'; text: string; runs?: MinutesRun[]; depth?: number; continuation?: boolean }
  | { kind: 'paragraph'; text: string; runs?: MinutesRun[] };

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
    else if ((m = /^###\s+(.*)$/.exec(line))) blocks.push({ kind: 'subsection', text: m[1] });
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
