import { Types, type Connection } from 'mongoose';
import type { Logger } from '../logger.ts';
import { EventLog } from '../events/event-log.ts';
import { EventStore } from '../events/event-store.ts';
import { hashPassword } from '../auth/password.ts';
import { userModel } from '../auth/user.model.ts';
import { articleModel } from '../negotiations/article.model.ts';
import { membershipModel } from '../negotiations/membership.model.ts';
import { negotiationModel } from '../negotiations/negotiation.model.ts';
import { organisationModel } from '../negotiations/organisation.model.ts';
import { seedCppniCampaign } from '../signature/seed-campaign.ts';
import { seedDemoSessions } from '../sessions/seed-sessions.ts';
import { DEMO_ACCOUNTS, DEMO_NEGOTIATIONS, DEMO_ORGANISATIONS, DEMO_PASSWORD, type DemoNegotiation } from './demo-content.ts';

/** The ids of what the demo seeded, for tests and scripts. */
export interface DemoIds {
  negotiations: Record<DemoNegotiation['key'], string>;
  /** By short name: AXESS, CFDT, …, CMP. */
  organisations: Record<string, string>;
  /** By email. */
  users: Record<string, string>;
  /** Article ids of each negotiation, in order. */
  articles: Record<DemoNegotiation['key'], string[]>;
}

/** Whether the database holds any document at all (of this workspace or of anyone else). */
export async function isDatabaseEmpty(connection: Connection): Promise<boolean> {
  const db = connection.db;
  if (!db) throw new Error('database not connected');
  const collections = await db.listCollections({}, { nameOnly: true }).toArray();
  for (const { name } of collections) {
    if (name.startsWith('system.')) continue;
    if (await db.collection(name).findOne({}, { projection: { _id: 1 } })) return false;
  }
  return true;
}

/** Removes every document of every collection (indexes stay). */
export async function wipeDatabase(connection: Connection): Promise<void> {
  const db = connection.db;
  if (!db) throw new Error('database not connected');
  const collections = await db.listCollections({}, { nameOnly: true }).toArray();
  for (const { name } of collections) {
    if (!name.startsWith('system.')) await db.collection(name).deleteMany({});
  }
}

/**
 * Seeds the demo: the parties of the BASS, the 2023 avenant to the CPPNI agreement, the live
 * working-time draft, and the demo accounts (each a member of both negotiations).
 * The demo password is hashed once for all accounts: argon2 is slow by design.
 */
export async function seedDemo(connection: Connection, options: { now?: Date; passwordHash?: string; events?: EventLog } = {}): Promise<DemoIds> {
  const now = options.now ?? new Date();
  const events = options.events ?? new EventLog(new EventStore(connection));
  const passwordHash = options.passwordHash ?? (await hashPassword(DEMO_PASSWORD));

  const organisations: Record<string, string> = {};
  for (const org of DEMO_ORGANISATIONS) {
    const doc = await organisationModel(connection).create({
      shortName: org.shortName,
      fullName: org.fullName,
      college: org.college,
    });
    organisations[org.shortName] = String(doc._id);
  }

  const users: Record<string, string> = {};
  const userDocs = await userModel(connection).insertMany(
    DEMO_ACCOUNTS.map((a) => ({ email: a.email, name: a.name, passwordHash, passwordChangedAt: now, createdAt: now })),
  );
  userDocs.forEach((doc) => (users[doc.email] = String(doc._id)));

  const negotiations = {} as DemoIds['negotiations'];
  const articles = {} as DemoIds['articles'];
  for (const [index, demo] of DEMO_NEGOTIATIONS.entries()) {
    const negotiation = await negotiationModel(connection).create({
      title: demo.title,
      level: demo.level,
      status: demo.status,
      phaseDeadlines: demo.phaseDeadlines,
      parties: DEMO_ORGANISATIONS.map((org) => ({
        organisationId: organisations[org.shortName],
        weight: org.weight,
        representative: org.representative,
        source: org.source,
      })),
      // Keeps the listing in story order: the 2023 avenant first.
      createdAt: new Date(now.getTime() + index),
    });
    const negotiationId = String(negotiation._id);
    negotiations[demo.key] = negotiationId;
    const articleDocs = demo.articles.map((article, order) => ({
      negotiationId,
      articleId: new Types.ObjectId().toHexString(),
      number: article.number,
      title: article.title,
      titre: article.titre ?? null,
      chapitre: article.chapitre ?? null,
      order,
      status: article.status,
      kind: article.kind ?? 'article',
      seedParagraphs: article.paragraphs,
    }));
    await articleModel(connection).insertMany(articleDocs);
    articles[demo.key] = articleDocs.map((a) => a.articleId);
    await membershipModel(connection).insertMany(
      DEMO_ACCOUNTS.map((account) => ({
        userId: users[account.email],
        negotiationId,
        organisationId: organisations[account.organisation],
        roles: account.roles,
        createdAt: now,
        revokedAt: null,
      })),
    );
  }
  // The 2023 campaign as it happened, through the signature use cases (the live draft has none).
  await seedCppniCampaign(connection, { negotiationId: negotiations.cppni, users, organisations, password: DEMO_PASSWORD, events });
  // The sessions of both negotiations, with their minutes (written to the event log).
  await seedDemoSessions(connection, events, { negotiations, organisations, users, articles }, now);
  return { negotiations, organisations, users, articles };
}

/** On the first start of an empty database, the demo is there to explore (written through the app's log when given). */
export async function seedIfEmpty(connection: Connection, logger: Logger, events?: EventLog): Promise<DemoIds | null> {
  if (!(await isDatabaseEmpty(connection))) return null;
  const ids = await seedDemo(connection, { events });
  logger.info({ negotiations: Object.values(ids.negotiations) }, 'empty database: demo seeded');
  return ids;
}
