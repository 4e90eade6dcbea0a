/**
 * `npm run outbox [-- --dir DATA_DIR] [-- --show N]`: the mail the workspace wrote to its
 * file outbox (no SMTP_URL configured), newest last; `--show N` prints message N's text.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { simpleParser } from 'mailparser';

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({ options: { dir: { type: 'string' }, show: { type: 'string' } } }).values;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\nUsage: npm run outbox -- [--dir DATA_DIR] [--show N]\n`);
    return 2;
  }
  const dir = path.resolve(args.dir ?? process.env.DATA_DIR ?? './data', 'outbox');
  const names = (await fs.readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.eml')).sort();
  if (names.length === 0) {
    process.stdout.write(`Aucun message dans ${dir}.\n`);
    return 0;
  }
  if (args.show !== undefined) {
    const n = Number(args.show);
    if (!Number.isInteger(n) || n < 1 || n > names.length) {
      process.stderr.write(`--show attend un numéro entre 1 et ${names.length}.\n`);
      return 2;
    }
    const mail = await simpleParser(await fs.readFile(path.join(dir, names[n - 1])));
    process.stdout.write(`De : ${mail.from?.text ?? ''}\nÀ : ${[mail.to].flat().map((a) => a?.text ?? '').join(', ')}\nObjet : ${mail.subject ?? ''}\nDate : ${mail.date?.toISOString() ?? ''}\nFichier : ${path.join(dir, names[n - 1])}\n\n${mail.text ?? ''}\n`);
    return 0;
  }
  for (const [i, name] of names.entries()) {
    const mail = await simpleParser(await fs.readFile(path.join(dir, name)));
    const to = [mail.to].flat().map((a) => a?.text ?? '').join(', ');
    process.stdout.write(`${String(i + 1).padStart(4)}  ${mail.date?.toISOString().slice(0, 19).replace('T', ' ') ?? ''}  ${to}  ${mail.subject ?? ''}\n`);
  }
  process.stdout.write(`\n${names.length} message(s) dans ${dir} — npm run outbox -- --show N pour en lire un.\n`);
  return 0;
}

process.exitCode = await main();
