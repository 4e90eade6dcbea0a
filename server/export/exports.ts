import type { SignedSnapshot } from '../../shared/snapshot.ts';
import { workerPool, workerTask } from '../common/worker-pool.ts';
import { renderAkomaNtoso } from './akoma-ntoso.ts';
import { fingerprint, fingerprintOfJson, renderJson } from './canonical-json.ts';
import { renderDocx } from './docx.ts';
import { renderPdf } from './pdf.ts';

/**
 * The four exports of a signed-version snapshot behind one entry point, for the routes to
 * come: the bytes, their media type and a file name, plus the check that a file matches a
 * stored snapshot.
 */

export const EXPORT_FORMATS = ['json', 'pdf', 'docx', 'akn'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface RenderedExport {
  format: ExportFormat;
  body: Buffer;
  contentType: string;
  fileName: string;
  /** SHA-256 of the snapshot's canonical JSON, which every format carries. */
  fingerprint: string;
}

const CONTENT_TYPES: Record<ExportFormat, string> = {
  json: 'application/json; charset=utf-8',
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  akn: 'application/akn+xml; charset=utf-8',
};

const EXTENSIONS: Record<ExportFormat, string> = { json: 'json', pdf: 'pdf', docx: 'docx', akn: 'akn.xml' };

/** "Avenant n° 1 à l'accord CPPNI" signed 2023-09-26 → "avenant-n-1-a-l-accord-cppni-2023-09-26". */
export function exportBaseName(snapshot: SignedSnapshot): string {
  const slug = snapshot.negotiation.title
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return `${slug || 'accord'}-${snapshot.text.date}`;
}

export async function renderExport(snapshot: SignedSnapshot, format: ExportFormat): Promise<RenderedExport> {
  const body = await render(snapshot, format);
  return { format, body, contentType: CONTENT_TYPES[format], fileName: `${exportBaseName(snapshot)}.${EXTENSIONS[format]}`, fingerprint: fingerprint(snapshot) };
}

// The worker's `render` (exports.worker.ts), typed here: the worker imports this file, not the reverse.
const renderTask = workerTask<(input: { snapshot: SignedSnapshot; format: ExportFormat }) => Promise<RenderedExport>>(
  new URL('./exports.worker.ts', import.meta.url),
  'render',
);

/** `renderExport` in a worker thread, for the server: the event loop keeps serving meanwhile. */
export async function renderExportOffLoop(snapshot: SignedSnapshot, format: ExportFormat): Promise<RenderedExport> {
  const rendered = await workerPool.run(renderTask, { snapshot, format });
  // The bytes come back as a plain Uint8Array.
  return { ...rendered, body: Buffer.from(rendered.body.buffer, rendered.body.byteOffset, rendered.body.byteLength) };
}

async function render(snapshot: SignedSnapshot, format: ExportFormat): Promise<Buffer> {
  switch (format) {
    case 'json':
      return renderJson(snapshot);
    case 'pdf':
      return renderPdf(snapshot);
    case 'docx':
      return renderDocx(snapshot);
    case 'akn':
      return Buffer.from(renderAkomaNtoso(snapshot), 'utf8');
  }
}

/**
 * Whether a file is an export of this stored snapshot.
 * - JSON: its content canonicalises to the snapshot's fingerprint (formatting may differ).
 * - PDF and Akoma Ntoso: they render deterministically, so the file must be byte for byte
 *   what the snapshot renders to — a changed word, or a forged fingerprint, does not pass.
 * - DOCX is not byte-stable (the docx library stamps the time into the package); it is
 *   verified through its JSON sibling, and carries the fingerprint for that purpose.
 */
export async function verifyExport(snapshot: SignedSnapshot, format: Exclude<ExportFormat, 'docx'>, file: Buffer): Promise<boolean> {
  if (format === 'json') {
    try {
      return fingerprintOfJson(file.toString('utf8')) === fingerprint(snapshot);
    } catch {
      return false; // not JSON at all
    }
  }
  return (await render(snapshot, format)).equals(file);
}
