import type { Connection } from 'mongoose';
import type { AppContext } from '../app.ts';
import { AppError } from '../common/app-error.ts';
import { negotiationModel } from '../negotiations/negotiation.model.ts';
import { organisationModel } from '../negotiations/organisation.model.ts';

/** What the sessions' use cases reach: the database, the event log, the logger, time and ids. */
export type SessionContext = Pick<AppContext, 'db' | 'events' | 'logger' | 'clock' | 'ids'>;

/** The parties at the table (employers and unions, and the presidency), with what orders them (shared/parties.ts). */
export async function tableOrganisations(connection: Connection, negotiationId: string) {
  const negotiation = await negotiationModel(connection).findById(negotiationId).lean();
  if (!negotiation) throw new AppError('NOT_FOUND', 'Négociation introuvable.');
  const orgs = await organisationModel(connection).find({ _id: { $in: negotiation.parties.map((p) => p.organisationId) } }).lean();
  const byId = new Map(orgs.map((o) => [String(o._id), o]));
  return {
    negotiation,
    organisations: negotiation.parties.flatMap((p) => {
      const o = byId.get(p.organisationId);
      return o ? [{ id: p.organisationId, shortName: o.shortName, fullName: o.fullName, college: o.college, weight: p.weight }] : [];
    }),
  };
}

