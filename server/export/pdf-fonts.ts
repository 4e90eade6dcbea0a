import { existsSync } from 'node:fs';

/**
 * Fonts for the PDF export. The PDF's standard Times and Courier fonts need no file and
 * render the same on every machine; their WinAnsi encoding covers French (accents, « », œ,
 * €, the non-breaking space, ’ and –). Text outside it would print as garbage, so:
 * - typographic spaces and hyphens are mapped to their WinAnsi neighbours, losing nothing;
 * - if a snapshot still holds characters WinAnsi lacks (≥ in the engine's reasons, a name in
 *   another script), the DejaVu Serif fonts are embedded when the machine has them (CI
 *   installs fonts-dejavu-core);
 * - without them, ≥ prints as >= and a character with no neighbour as « ? », never as a
 *   wrong glyph.
 */

export interface PdfFonts {
  regular: string;
  bold: string;
  italic: string;
  mono: string;
  /** Whether text must be folded to WinAnsi (standard fonts). */
  winAnsi: boolean;
}

const STANDARD: PdfFonts = { regular: 'Times-Roman', bold: 'Times-Bold', italic: 'Times-Italic', mono: 'Courier', winAnsi: true };

const DEJAVU_DIRS = ['/usr/share/fonts/truetype/dejavu', '/usr/share/fonts/dejavu', '/usr/share/fonts/TTF'];

/** WinAnsi (cp1252) beyond Latin-1: the characters of its 0x80–0x9F range. */
const CP1252_EXTRA = '€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ';

/** Characters the standard fonts lack but whose WinAnsi neighbour reads the same. */
const FOLD: Record<string, string> = {
  '\u202f': '\u00a0', // narrow no-break space (before ; : ! ? and inside « ») → no-break space
  '\u2009': ' ',
  '\u2007': '\u00a0',
  '\u2011': '-', // non-breaking hyphen
  '\u2010': '-',
  '\u2212': '-',
  '\u2032': '\'',
  '\u2033': '"',
};

/** Symbols with only a clumsy WinAnsi spelling: worth an embedded font when there is one. */
const LOSSY: Record<string, string> = {
  '\u2264': '<=',
  '\u2265': '>=',
  '\u2260': '!=',
  '\u2192': '->',
};

function isWinAnsi(ch: string): boolean {
  const code = ch.codePointAt(0)!;
  return (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || code === 0x0a || CP1252_EXTRA.includes(ch);
}

/** Folds text to what the standard fonts can print; what has no neighbour becomes « ? ». */
export function toWinAnsi(text: string): string {
  let out = '';
  for (const ch of text) out += isWinAnsi(ch) ? ch : (FOLD[ch] ?? LOSSY[ch] ?? '?');
  return out;
}

/** Whether some character of the text would print poorly in the standard fonts. */
export function needsUnicodeFont(text: string): boolean {
  for (const ch of text) if (!isWinAnsi(ch) && !(ch in FOLD)) return true;
  return false;
}

/** The standard fonts, or DejaVu Serif when the text needs it and the machine has it. */
export function chooseFonts(allText: string): PdfFonts {
  if (!needsUnicodeFont(allText)) return STANDARD;
  for (const dir of DEJAVU_DIRS) {
    const file = (name: string) => `${dir}/${name}`;
    if (existsSync(file('DejaVuSerif.ttf')) && existsSync(file('DejaVuSerif-Bold.ttf')) && existsSync(file('DejaVuSansMono.ttf'))) {
      const italic = existsSync(file('DejaVuSerif-Italic.ttf')) ? file('DejaVuSerif-Italic.ttf') : file('DejaVuSerif.ttf');
      return { regular: file('DejaVuSerif.ttf'), bold: file('DejaVuSerif-Bold.ttf'), italic, mono: file('DejaVuSansMono.ttf'), winAnsi: false };
    }
  }
  return STANDARD;
}
