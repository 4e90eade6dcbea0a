// `npm run db -- …`: the embedded engine alone (see server/mongo-engine/README.md).
import { runDb } from '@negociation/mongo-engine/cli';

await runDb(process.argv.slice(2));
