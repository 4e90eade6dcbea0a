import type { NegotiationEvent } from '../events.ts';
import { itemKey } from '../items.ts';
import { amendmentLabel, articleLabel } from '../labels.ts';
import type { Position, PositionMatrix } from './position.ts';

/** The position a `position:declared` event records. */
export function toPosition(event: NegotiationEvent<'position:declared'>): Position {
  const p = event.payload;
  return {
    seq: event.seq,
    negotiationId: event.negotiationId,
    org: p.org,
    orgShortName: p.orgShortName,
    declaredBy: p.declaredBy,
    stance: p.stance,
    statement: p.statement,
    item: p.item,
    sessionId: p.sessionId,
    liminary: p.liminary,
    at: event.at,
  };
}

/** The ledger of a log, oldest first. */
export function foldPositions(events: readonly NegotiationEvent[]): Position[] {
  return events.flatMap((e) => (e.type === 'position:declared' ? [toPosition(e)] : []));
}

/** Organisations × items: the latest stance of each organisation on each item. */
export function positionMatrix(
  organisations: PositionMatrix['organisations'],
  articles: readonly { id: string; number: string; title: string }[],
  positions: readonly Position[],
  /** Tabled amendments by id, to name them (« Amendement n° 3 (CGT) »). */
  amendmentNames: ReadonlyMap<string, { number: number | null; org: string }> = new Map(),
): PositionMatrix {
  const cells: PositionMatrix['cells'] = {};
  const amendments: string[] = [];
  for (const position of positions) {
    const key = itemKey(position.item);
    if (position.item.kind === 'amendment' && !amendments.includes(position.item.id)) amendments.push(position.item.id);
    const row = (cells[position.org] ??= {});
    const current = row[key];
    if (!current || current.seq < position.seq) row[key] = position;
  }
  const items: PositionMatrix['items'] = [
    ...articles.map((a) => ({ key: `article:${a.id}`, kind: 'article' as const, label: articleLabel(a) })),
    { key: 'text', kind: 'text', label: 'Ensemble du texte' },
    ...amendments.map((id) => ({ key: `amendment:${id}`, kind: 'amendment' as const, label: amendmentLabel(amendmentNames.get(id)) })),
  ];
  return { organisations, items, cells };
}

/**
 * The matrix with one more declared position: its cell takes it when it is newer than the
 * cell's. Null when its item is not a column yet (a first position on an amendment): the
 * column's label needs the amendment, so the caller reads the matrix again.
 */
export function withPosition(matrix: PositionMatrix, position: Position): PositionMatrix | null {
  const key = itemKey(position.item);
  if (!matrix.items.some((item) => item.key === key)) return null;
  const current = matrix.cells[position.org]?.[key];
  if (current && current.seq >= position.seq) return matrix;
  return { ...matrix, cells: { ...matrix.cells, [position.org]: { ...matrix.cells[position.org], [key]: position } } };
}
