import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import nodemailer, { type SendMailOptions } from 'nodemailer';

/** One MIME message to send. */
export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  ics: { method: 'REQUEST' | 'CANCEL'; content: string } | null;
}

/** Where mail goes: an SMTP server, or .eml files in a folder. */
export interface MailTransport {
  readonly kind: 'smtp' | 'files';
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
  close(): void;
}

function mimeOptions(mail: OutgoingMail): SendMailOptions {
  return {
    from: mail.from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    // The calendar part a mail client shows as an invitation (accept, decline), and the .ics attached.
    ...(mail.ics
      ? {
          icalEvent: { method: mail.ics.method.toLowerCase(), filename: 'seance.ics', content: mail.ics.content },
        }
      : {}),
  };
}

/** SMTP, as `SMTP_URL` says (smtp://user:pass@host:port, smtps:// for TLS from the start). */
export function smtpTransport(url: string): MailTransport {
  const transporter = nodemailer.createTransport(url);
  return {
    kind: 'smtp',
    async send(mail) {
      const info = await transporter.sendMail(mimeOptions(mail));
      return { messageId: String(info.messageId) };
    },
    close: () => transporter.close(),
  };
}

/**
 * Without an SMTP server: each message is written whole as `<time>-<id>.eml` in `dir`
 * (written to a temporary name, then renamed, so a reader never sees half a message).
 * `npm run outbox` lists them; any mail client opens them.
 */
export function fileTransport(dir: string): MailTransport {
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'crlf' });
  return {
    kind: 'files',
    async send(mail) {
      const info = await transporter.sendMail(mimeOptions(mail));
      await fs.mkdir(dir, { recursive: true, mode: 0o700 });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.eml`;
      const temporary = path.join(dir, `.${name}.tmp`);
      await fs.writeFile(temporary, info.message as Buffer, { mode: 0o600 });
      await fs.rename(temporary, path.join(dir, name));
      return { messageId: String(info.messageId) };
    },
    close: () => transporter.close(),
  };
}
