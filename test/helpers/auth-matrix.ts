import type { Action, Role } from '../../shared/access.ts';

/**
 * The permission matrix as the README states it, written out independently of
 * shared/access.ts: the tests check the code against this table, cell by cell.
 */
export const EXPECTED_MATRIX: Record<Action, Record<Role, boolean>> = {
  //                        negotiator delegate signatory secretariat chair observer lead
  'negotiation:read':   row(1, 1, 1, 1, 1, 1, 1),
  'text:write':         row(1, 0, 0, 1, 0, 0, 0),
  'article:status':     row(1, 0, 0, 1, 0, 0, 0),
  'version:create':     row(1, 0, 0, 1, 0, 0, 0),
  'annotation:create':  row(1, 1, 1, 1, 1, 0, 0),
  'amendment:table':    row(1, 1, 0, 0, 0, 0, 0),
  'amendment:merge':    row(1, 0, 0, 1, 0, 0, 0),
  'amendment:decide':   row(0, 0, 0, 1, 1, 0, 0),
  'vote:open':          row(0, 0, 0, 1, 0, 0, 0),
  'vote:cast':          row(1, 1, 0, 0, 0, 0, 0),
  'position:declare':   row(1, 1, 1, 0, 0, 0, 0),
  'session:manage':     row(0, 0, 0, 1, 0, 0, 0),
  'signature:manage':   row(0, 0, 0, 1, 0, 0, 0),
  'signature:sign':     row(0, 0, 1, 0, 0, 0, 0),
  'delegation:manage':  row(0, 0, 0, 0, 0, 0, 1),
  'members:oversee':    row(0, 0, 0, 1, 0, 0, 0),
  'delegation:read':    row(1, 1, 1, 1, 1, 1, 1),
  'export:download':    row(1, 1, 1, 1, 1, 1, 1),
  'session:chair':      row(0, 0, 0, 1, 1, 0, 0),
};

function row(...cells: (0 | 1)[]): Record<Role, boolean> {
  const [negotiator, delegate, signatory, secretariat, chair, observer, lead] = cells.map(Boolean);
  return { negotiator, delegate, signatory, secretariat, chair, observer, lead };
}
