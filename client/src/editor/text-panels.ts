// What the text page shows around the live editor, in a chunk of its own: the event channel
// (and with it the Socket.IO client), amendments, annotations, votes, positions, versions and
// the activity feed. The page loads it once the editor is up (AgreementView), so that on a
// slow link the editor's bytes come first and these follow.
export { TextWorkspace } from '../activity/text-workspace.svelte.ts';
export { Votes } from '../votes/votes.svelte.ts';
export { default as ActivityFeed } from '../activity/ActivityFeed.svelte';
export { default as AmendmentPanel } from '../amendments/AmendmentPanel.svelte';
export { default as AnnotationMargin } from '../annotations/AnnotationMargin.svelte';
export { default as PositionBox } from '../positions/PositionBox.svelte';
export { default as VersionPanel } from './VersionPanel.svelte';
export { default as VotePanel } from '../votes/VotePanel.svelte';
