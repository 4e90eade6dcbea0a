import type { Anchor, AmendmentBase, AmendmentView } from '../../shared/amendments/amendment.ts';
import type { AmendmentContent } from '../../shared/amendments/formula.ts';
import type { AmendmentStatus } from '../../shared/amendments/lifecycle.ts';
import type { NegotiationEvent, Visibility } from '../../shared/events.ts';

/** The events of an amendment's story. */
export const AMENDMENT_EVENTS = {
  drafted: 'amendment:drafted',
  tabled: 'amendment:tabled',
  discussed: 'amendment:discussed',
  adopted: 'amendment:adopted',
  rejected: 'amendment:rejected',
  withdrawn: 'amendment:withdrawn',
  merged: 'amendment:merged',
} as const;
export const AMENDMENT_EVENT_TYPES: string[] = Object.values(AMENDMENT_EVENTS);

type By = { userId: string; name: string } | 'system';

/** What `amendment:drafted` and `amendment:tabled` carry: the whole amendment as written. */
export interface AmendmentWritten {
  amendmentId: string;
  articleId: string;
  target: AmendmentView['target'];
  org: AmendmentView['org'];
  author: AmendmentView['author'];
  content: AmendmentContent;
  justification: string;
  anchor: Anchor | null;
  formula: string;
  base: AmendmentBase;
}

export interface AmendmentStep {
  amendmentId: string;
  by: By;
}

export interface AmendmentMerged extends AmendmentStep {
  versionId: string | null;
  automatic: boolean;
  manual: boolean;
}

/** An amendment as folded from the log, with who may see it (the derived fields come at read time). */
export interface AmendmentRecord extends Omit<AmendmentView, 'outdated' | 'competing' | 'actions'> {
  visibility: Visibility;
}

function written(event: NegotiationEvent, current: AmendmentRecord | null, status: AmendmentStatus): AmendmentRecord {
  const p = event.payload as AmendmentWritten;
  const by: By = { userId: p.author.userId, name: p.author.name };
  return {
    id: p.amendmentId,
    number: current?.number ?? null,
    negotiationId: event.negotiationId,
    articleId: p.articleId,
    target: p.target,
    org: p.org,
    author: current?.author ?? p.author,
    content: p.content,
    justification: p.justification,
    anchor: p.anchor,
    formula: p.formula,
    status,
    base: p.base,
    history: [...(current?.history.filter((h) => h.status !== status) ?? []), { status, at: event.at, by }],
    merge: null,
    createdAt: current?.createdAt ?? event.at,
    updatedAt: event.at,
    visibility: event.visibility,
  };
}

/** Folds one event into an amendment. Pure; an event that does not fit the state changes nothing. */
export function applyAmendmentEvent(current: AmendmentRecord | null, event: NegotiationEvent): AmendmentRecord | null {
  switch (event.type) {
    case AMENDMENT_EVENTS.drafted:
      return current && current.status !== 'draft' ? current : written(event, current, 'draft');
    case AMENDMENT_EVENTS.tabled:
      return current && current.status !== 'draft' ? current : written(event, current, 'tabled');
    case AMENDMENT_EVENTS.discussed:
    case AMENDMENT_EVENTS.adopted:
    case AMENDMENT_EVENTS.rejected:
    case AMENDMENT_EVENTS.withdrawn:
    case AMENDMENT_EVENTS.merged: {
      if (!current) return current;
      const p = event.payload as AmendmentStep;
      const status = STATUS_AFTER[event.type];
      const next: AmendmentRecord = {
        ...current,
        status,
        history: [...current.history, { status, at: event.at, by: p.by }],
        updatedAt: event.at,
        visibility: event.visibility,
      };
      if (event.type === AMENDMENT_EVENTS.merged) {
        const m = event.payload as AmendmentMerged;
        next.merge = { versionId: m.versionId, automatic: m.automatic, manual: m.manual };
      }
      return next;
    }
    default:
      return current;
  }
}

const STATUS_AFTER: Record<string, AmendmentStatus> = {
  [AMENDMENT_EVENTS.discussed]: 'under discussion',
  [AMENDMENT_EVENTS.adopted]: 'adopted',
  [AMENDMENT_EVENTS.rejected]: 'rejected',
  [AMENDMENT_EVENTS.withdrawn]: 'withdrawn',
  [AMENDMENT_EVENTS.merged]: 'merged',
};

/** Every amendment of a log, in the order they were first written. */
export function foldAmendments(events: readonly NegotiationEvent[]): AmendmentRecord[] {
  const byId = new Map<string, AmendmentRecord>();
  // Numbered in the order of tabling: drafts take no number, so numbers tell nothing about them.
  let tabled = 0;
  for (const event of events) {
    const id = (event.payload as { amendmentId?: unknown })?.amendmentId;
    if (typeof id !== 'string') continue;
    const previous = byId.get(id) ?? null;
    let next = applyAmendmentEvent(previous, event);
    if (next && event.type === AMENDMENT_EVENTS.tabled && next.status === 'tabled' && previous?.status !== 'tabled' && next.number === null) {
      next = { ...next, number: ++tabled };
    }
    if (next) byId.set(id, next);
  }
  return [...byId.values()];
}
