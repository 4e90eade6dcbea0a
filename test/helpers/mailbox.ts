import fs from 'node:fs/promises';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';

/** One message as a person's mail client would show it. */
export interface ReceivedMail {
  file: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The one-time link's path, when the message carries one. */
  link: string | null;
  parsed: ParsedMail;
}

const LINK = /\/invitations\/[A-Za-z0-9_-]{43}/;

export async function readMail(raw: Buffer | string, file = ''): Promise<ReceivedMail> {
  const parsed = await simpleParser(raw);
  const to = Array.isArray(parsed.to) ? parsed.to.flatMap((a) => a.value) : (parsed.to?.value ?? []);
  const text = parsed.text ?? '';
  return {
    file,
    to: to.map((a) => a.address ?? '').join(', '),
    subject: parsed.subject ?? '',
    text,
    html: typeof parsed.html === 'string' ? parsed.html : '',
    link: LINK.exec(text)?.[0] ?? null,
    parsed,
  };
}

/** Every message the server wrote to its file outbox (no SMTP configured), oldest first. */
export async function outbox(server: { dataDir: string }): Promise<ReceivedMail[]> {
  const dir = path.join(server.dataDir, 'outbox');
  const names = (await fs.readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.eml')).sort();
  return Promise.all(names.map(async (name) => readMail(await fs.readFile(path.join(dir, name)), name)));
}

/** The messages to one address, waiting (up to `timeoutMs`) until at least `count` have arrived. */
export async function mailTo(server: { dataDir: string }, to: string, { count = 1, timeoutMs = 5_000, subject }: { count?: number; timeoutMs?: number; subject?: RegExp } = {}): Promise<ReceivedMail[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mine = (await outbox(server)).filter((m) => m.to === to && (!subject || subject.test(m.subject)));
    if (mine.length >= count) return mine;
    if (Date.now() > deadline) throw new Error(`no ${count} mail(s) to ${to}${subject ? ` matching ${subject}` : ''} within ${timeoutMs} ms (got ${mine.length})`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The last one-time link mailed to `to` (waits for it). */
export async function linkMailedTo(server: { dataDir: string }, to: string, subject?: RegExp): Promise<string> {
  const mails = await mailTo(server, to, { subject });
  const link = mails.at(-1)!.link;
  if (!link) throw new Error(`the last mail to ${to} carries no link`);
  return link;
}

/** Runs `act`, then waits for the one new message it sends to `to`, and returns it with what `act` returned. */
export async function expectMail<T>(server: { dataDir: string }, to: string, act: () => Promise<T>, timeoutMs = 5_000): Promise<{ mail: ReceivedMail; result: T }> {
  const before = (await outbox(server)).filter((m) => m.to === to).length;
  const result = await act();
  const mails = await mailTo(server, to, { count: before + 1, timeoutMs });
  return { mail: mails[before], result };
}
