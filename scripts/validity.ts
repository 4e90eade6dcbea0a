// `npm run validity -- FILE` or `node scripts/validity.ts FILE` (or `-` for stdin): reads a validity scenario (JSON),
// prints its assessment (JSON) on stdout, exit 0. A missing file, invalid JSON or a scenario
// the schema refuses: a message on stderr naming the problem, nothing on stdout, exit 2.
import fs from 'node:fs';
import { assess } from '../shared/validity/assess.ts';
import { parseScenario } from '../shared/validity/scenario.ts';

const USAGE = 'Usage : npm run validity -- FICHIER.json   (ou « - » pour lire l’entrée standard)';
const EXIT_INVALID = 2;

function fail(message: string): never {
  process.stderr.write(`validity : ${message}\n`);
  process.exit(EXIT_INVALID);
}

const args = process.argv.slice(2);
if (args.length !== 1) fail(`un seul argument attendu, le fichier du scénario.\n${USAGE}`);
const source = args[0];
const label = source === '-' ? 'entrée standard' : source;

let text: string;
try {
  text = fs.readFileSync(source === '-' ? 0 : source, 'utf8');
} catch (err) {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') fail(`fichier introuvable : ${source}`);
  if (code === 'EISDIR') fail(`${source} est un répertoire, pas un fichier de scénario`);
  fail(`lecture impossible de ${label} : ${(err as Error).message}`);
}

let json: unknown;
try {
  // A byte-order mark (left by some Windows editors) is not part of the JSON.
  json = JSON.parse(text.replace(/^\uFEFF/, ''));
} catch (err) {
  fail(`JSON invalide dans ${label} : ${(err as Error).message}`);
}

const parsed = parseScenario(json);
if (!parsed.ok) {
  fail(`scénario invalide (${label}) :\n${parsed.errors.map((e) => `  - ${e}`).join('\n')}`);
}

process.stdout.write(`${JSON.stringify(assess(parsed.scenario), null, 2)}\n`);
