import type { SignedSnapshot } from '../../shared/snapshot.ts';
import { renderExport, type ExportFormat, type RenderedExport } from './exports.ts';

/**
 * Rendering an export in a worker thread (server/common/worker-pool.ts): a long agreement
 * takes PDFKit or docx a while, and fingerprinting it means serialising it whole.
 */
export function render({ snapshot, format }: { snapshot: SignedSnapshot; format: ExportFormat }): Promise<RenderedExport> {
  return renderExport(snapshot, format);
}
