// `npm run seed [-- --force]`: seeds the demo into the configured database (embedded by default).
// Refuses a database that already holds data unless --force, which wipes it first.
import { ConfigError, parseConfig } from '../server/config.ts';
import { createLogger } from '../server/logger.ts';
import { connectDatabase } from '../server/db/connection.ts';
import { articleModel } from '../server/negotiations/article.model.ts';
import { membershipModel } from '../server/negotiations/membership.model.ts';
import { negotiationModel } from '../server/negotiations/negotiation.model.ts';
import { organisationModel } from '../server/negotiations/organisation.model.ts';
import { userModel } from '../server/auth/user.model.ts';
import { isDatabaseEmpty, seedDemo, wipeDatabase } from '../server/seed/seed.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '../server/seed/demo-content.ts';

const args = process.argv.slice(2);
const unknown = args.filter((a) => a !== '--force');
if (unknown.length > 0) {
  process.stderr.write(`Option inconnue : ${unknown.join(' ')}\nUsage : npm run seed [-- --force]\n`);
  process.exit(2);
}
const force = args.includes('--force');

let config;
try {
  config = parseConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  throw err;
}
const db = await connectDatabase(config, createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL));
try {
  if (!(await isDatabaseEmpty(db.connection))) {
    if (!force) {
      process.stderr.write(
        'La base contient déjà des données : rien n’a été modifié.\n' +
          'Relancez avec « npm run seed -- --force » pour TOUT effacer et recréer la démonstration.\n',
      );
      await db.close();
      process.exit(2);
    }
    await wipeDatabase(db.connection);
  }
  await Promise.all(
    [userModel, organisationModel, negotiationModel, membershipModel, articleModel].map((m) => m(db.connection).createIndexes()),
  );
  const ids = await seedDemo(db.connection);
  process.stdout.write(
    `Démonstration créée (${Object.keys(ids.negotiations).length} négociations).\n` +
      `Comptes (mot de passe « ${DEMO_PASSWORD} ») :\n` +
      DEMO_ACCOUNTS.map((a) => `  ${a.email.padEnd(26)} ${a.organisation.padEnd(8)} ${a.roles.join(', ')}`).join('\n') +
      '\n',
  );
} finally {
  await db.close();
}
