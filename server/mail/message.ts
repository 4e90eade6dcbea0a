/**
 * What a mail says, before it is a MIME message: French first, then English, each as
 * paragraphs, with at most one link to act on. Rendered once into the plain-text part and
 * the HTML part, so that both always say the same thing.
 */
export interface MailContent {
  /** French; the English is in the body. */
  subject: string;
  fr: string[];
  en: string[];
  action?: { url: string; fr: string; en: string };
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const FOOTER_FR = 'Message envoyé par l’espace de négociation. Ne répondez pas à ce message.';
const FOOTER_EN = 'Sent by the negotiation workspace. Please do not reply.';

export function renderMail(content: MailContent): RenderedMail {
  const { action } = content;
  const text = [
    ...content.fr,
    ...(action ? [`${action.fr} : ${action.url}`] : []),
    FOOTER_FR,
    '— English —',
    ...content.en,
    ...(action ? [`${action.en}: ${action.url}`] : []),
    FOOTER_EN,
  ].join('\n\n');
  const paragraphs = (lines: string[]) => lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('\n');
  const button = (label: string) =>
    action ? `<p><a href="${escapeHtml(action.url)}" style="font-weight:bold">${escapeHtml(label)}</a><br><small>${escapeHtml(action.url)}</small></p>` : '';
  const html = [
    '<!doctype html><html lang="fr"><head><meta charset="utf-8"></head><body style="font-family:sans-serif;line-height:1.5;max-width:40em">',
    paragraphs(content.fr),
    button(action?.fr ?? ''),
    `<p style="color:#666"><small>${escapeHtml(FOOTER_FR)}</small></p>`,
    '<hr>',
    `<div lang="en">${paragraphs(content.en)}${button(action?.en ?? '')}<p style="color:#666"><small>${escapeHtml(FOOTER_EN)}</small></p></div>`,
    '</body></html>',
  ].join('\n');
  return { subject: content.subject, text, html };
}

export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
