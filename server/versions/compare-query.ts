import { z } from 'zod';

/** `?from=…&to=…` of a comparison: two version ids, or `live`. Apart, so that the API description reads it without the routes. */
export const CompareQuerySchema = z.object({ from: z.string().min(1).max(40), to: z.string().min(1).max(40) });
