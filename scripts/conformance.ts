// `npm run conformance -- DIR …`: MongoDB's unified-format CRUD tests through the official
// driver (see server/mongo-engine/README.md).
import { runConformance } from '@negociation/mongo-engine/conformance';

runConformance(process.argv.slice(2));
