import { z } from 'zod';

/**
 * The minutes as rich text: the ProseMirror JSON of the editor the agreement uses (Tiptap),
 * restricted to what a relevé de décisions needs — headings (three levels), paragraphs, bullet
 * and numbered lists (nested), tables, bold and italic. The server parses every document it
 * freezes or exports with `MinutesDocSchema`, so the PDF and DOCX only ever lay out these nodes.
 */

export const MinutesMarkSchema = z.object({ type: z.enum(['bold', 'italic']) }).strip();
export type MinutesMark = z.infer<typeof MinutesMarkSchema>;

export const MinutesTextSchema = z
  .object({ type: z.literal('text'), text: z.string().min(1).max(20_000), marks: z.array(MinutesMarkSchema).max(2).optional() })
  .strip();
const InlineSchema = z.discriminatedUnion('type', [MinutesTextSchema, z.object({ type: z.literal('hardBreak') }).strip()]);
const inlineContent = z.array(InlineSchema).max(2_000).optional();

const ParagraphSchema = z.object({ type: z.literal('paragraph'), content: inlineContent }).strip();
const HeadingSchema = z
  .object({ type: z.literal('heading'), attrs: z.object({ level: z.union([z.literal(1), z.literal(2), z.literal(3)]) }).strip(), content: inlineContent })
  .strip();
const CellSchema = z
  .object({ type: z.enum(['tableCell', 'tableHeader']), content: z.array(ParagraphSchema).min(1).max(50) })
  .strip();
const RowSchema = z.object({ type: z.literal('tableRow'), content: z.array(CellSchema).min(1).max(20) }).strip();
const TableSchema = z.object({ type: z.literal('table'), content: z.array(RowSchema).min(1).max(500) }).strip();

export type MinutesInline = z.infer<typeof InlineSchema>;
export type MinutesParagraph = z.infer<typeof ParagraphSchema>;
export type MinutesHeading = z.infer<typeof HeadingSchema>;
export type MinutesTable = z.infer<typeof TableSchema>;
export interface MinutesListItem {
  type: 'listItem';
  content: MinutesBlockNode[];
}
export interface MinutesList {
  type: 'bulletList' | 'orderedList';
  attrs?: { start?: number };
  content: MinutesListItem[];
}
export type MinutesBlockNode = MinutesParagraph | MinutesHeading | MinutesTable | MinutesList;

const ListItemSchema: z.ZodType<MinutesListItem> = z.lazy(() =>
  z.object({ type: z.literal('listItem'), content: z.array(MinutesBlockSchema).min(1).max(100) }).strip(),
);
const ListSchema: z.ZodType<MinutesList> = z.lazy(() =>
  z
    .object({
      type: z.enum(['bulletList', 'orderedList']),
      attrs: z.object({ start: z.number().int().min(0).max(100_000).optional() }).strip().optional(),
      content: z.array(ListItemSchema).min(1).max(2_000),
    })
    .strip(),
);
export const MinutesBlockSchema: z.ZodType<MinutesBlockNode> = z.lazy(() => z.union([ParagraphSchema, HeadingSchema, TableSchema, ListSchema]));

export const MinutesDocSchema = z.object({ type: z.literal('doc'), content: z.array(MinutesBlockSchema).max(5_000) }).strip();
export type MinutesDoc = z.infer<typeof MinutesDocSchema>;
