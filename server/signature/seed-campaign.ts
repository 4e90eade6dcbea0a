import type { Connection } from 'mongoose';
import { createLogger } from '../logger.ts';
import { loadActor, type Actor } from '../access/access.service.ts';
import { userModel } from '../auth/user.model.ts';
import { DocStore } from '../collab/doc-store.ts';
import { initialState } from '../collab/initial-state.ts';
import { MongoPersistence } from '../collab/persistence.ts';
import { objectIds, systemClock } from '../events/clock.ts';
import type { EventLog } from '../events/event-log.ts';
import { createVersion } from '../versions/versions.service.ts';
import { fileOpposition, openForSignature, recordNotification, signAgreement, type SignatureDeps } from './campaign.service.ts';

/**
 * The 2023 campaign of the « Avenant n° 1 à l'accord CPPNI », replayed through the use cases
 * with the dates it happened on: opened and signed by AXESS and the CFDT on 26 September
 * 2023, notified on the 28th, opposed by the CGT (10 October), FO (11th) and SUD (12th):
 * 61.50 % of oppositions, void.
 */

const at = (isoWithOffset: string) => new Date(isoWithOffset);

export interface SeedCampaignInput {
  negotiationId: string;
  /** By email: the demo accounts who act in the story. */
  users: Record<string, string>;
  /** By short name. */
  organisations: Record<string, string>;
  password: string;
  /** The log the story is written to (the seed's own: nobody listens yet). */
  events: EventLog;
}

/** Runs outside the app (the seed runs before any client): its own document store, closed at the end. */
export async function seedCppniCampaign(connection: Connection, input: SeedCampaignInput): Promise<void> {
  const db = connection.db;
  if (!db) throw new Error('database not connected');
  const { events } = input;
  const persistence = new MongoPersistence(db);
  await persistence.init();
  const store = new DocStore({ persistence, logger: createLogger('silent'), initialState: (name) => initialState(connection, name) });
  const deps: SignatureDeps = {
    connection,
    events,
    ids: objectIds,
    // The seeded campaign happened in 2023: each step passes its own time, the version's too.
    freezeVersion: (version) => createVersion({ connection, store, events, clock: systemClock, ids: objectIds }, { ...version, kind: 'signature' }),
  };
  const actor = async (email: string): Promise<Actor> => {
    const user = await userModel(connection).findById(input.users[email]).lean();
    if (!user) throw new Error(`seed: no user ${email}`);
    const found = await loadActor(connection, { id: String(user._id), name: user.name, email: user.email }, input.negotiationId);
    if (!found) throw new Error(`seed: ${email} holds no mandate`);
    return found;
  };
  try {
    const secretariat = await actor('secretariat@axess.demo');
    await openForSignature(deps, secretariat, { versionName: 'Texte ouvert à la signature', signatureDeadline: '2023-09-27' }, at('2023-09-26T09:00:00+02:00'));
    await signAgreement(deps, await actor('negociateur@axess.demo'), {}, at('2023-09-26T11:30:00+02:00'));
    await signAgreement(deps, await actor('delegue@cfdt.demo'), {}, at('2023-09-26T16:00:00+02:00'));
    for (const org of ['CFDT', 'CGT', 'FO', 'SUD']) {
      await recordNotification(deps, secretariat, { org: input.organisations[org], at: '2023-09-28' }, at('2023-09-28T10:00:00+02:00'));
    }
    const oppositions: [string, string, string][] = [
      ['delegue@cgt.demo', '2023-10-10T10:00:00+02:00', 'La CGT s’oppose à l’avenant : la prime de revalorisation exclut une grande partie des salariés de la branche et renvoie l’essentiel des mesures salariales à une classification qui n’est pas négociée.'],
      ['delegue@fo.demo', '2023-10-11T10:00:00+02:00', 'FO s’oppose à l’avenant : les moyens alloués à la négociation ne garantissent pas la participation des organisations syndicales, et la garantie Ségur reste suspendue à des financements incertains.'],
      ['delegue@sud.demo', '2023-10-12T10:00:00+02:00', 'SUD s’oppose à l’avenant : une prime conditionnelle ne remplace pas une revalorisation générale des salaires, et la méthode prépare une convention unique en deçà des garanties existantes.'],
    ];
    for (const [email, when, text] of oppositions) await fileOpposition(deps, await actor(email), { text }, at(when));
  } finally {
    await store.close();
  }
}
