// The words of the pages that come after the first ones (members, sessions, signature, the
// panels beside the text…): one chunk, fetched with those pages (lib/pages.ts) or once the
// editor shows, not in the first script (lib/i18n.svelte.ts).
import { activityMessages } from '../activity/messages.ts';
import { membersMessages } from '../members/messages.ts';
import { signatureMessages } from '../signature/messages.ts';
import { sessionsMessages } from '../sessions/messages.ts';
import { amendmentsMessages } from '../amendments/messages.ts';
import { annotationsMessages } from '../annotations/messages.ts';
import { votesMessages } from '../votes/messages.ts';
import { positionsMessages } from '../positions/messages.ts';
import { verifyMessages } from '../verify/messages.ts';
import { mailMessages } from '../mail/messages.ts';
import { validityMessages } from '../validity/messages.ts';

export const LATER_FEATURES = [membersMessages, signatureMessages, sessionsMessages, amendmentsMessages, annotationsMessages, votesMessages, positionsMessages, verifyMessages, mailMessages, activityMessages, validityMessages] as const;
