// `npm run bench -- NAME…`: runs the named benchmarks (all when none is named); each prints
// its figures and ratios and writes them to bench/results/NAME.json.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'bench');
const available = fs.existsSync(dir)
  ? fs.readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).map((f) => f.replace('.bench.ts', ''))
  : [];
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  process.stderr.write(`Unknown benchmark: ${unknown.join(', ')}. Available: ${available.join(', ') || 'none'}\n`);
  process.exit(2);
}
for (const name of wanted.length > 0 ? wanted : available) {
  process.stdout.write(`\n== bench ${name}\n`);
  const mod = await import(pathToFileURL(path.join(dir, `${name}.bench.ts`)).href);
  const results = await mod.run();
  fs.mkdirSync('bench/results', { recursive: true });
  fs.writeFileSync(path.join('bench/results', `${name}.json`), JSON.stringify(results, null, 2) + '\n');
  process.stdout.write(`-> bench/results/${name}.json\n`);
}
process.exit(0);
