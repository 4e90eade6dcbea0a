import { z } from 'zod';

/** A negotiation's id, as every command payload carries it (a 24-hex ObjectId). */
export const NegotiationIdSchema = z.string().regex(/^[a-f0-9]{24}$/, 'identifiant de négociation invalide');

/** The id of a thing inside a negotiation (an article, an amendment, a vote…). */
export const IdSchema = z.string().trim().min(1).max(100);
