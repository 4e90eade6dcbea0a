import type { NegotiationEvent } from '../events.ts';
import type { VersionSummary } from '../text-diff.ts';

/** The version a `version:created` event announces, or null for any other event. */
export function versionOf(event: NegotiationEvent): VersionSummary | null {
  if (event.type !== 'version:created') return null;
  const { versionId, name, kind } = (event as NegotiationEvent<'version:created'>).payload;
  return { id: versionId, name, kind, createdAt: event.at };
}

/** The list with these versions in it, each once (the one already listed is kept), newest first. */
export function withVersions(list: readonly VersionSummary[], versions: readonly VersionSummary[]): VersionSummary[] {
  const added = versions.filter((v, i) => !list.some((known) => known.id === v.id) && versions.findIndex((w) => w.id === v.id) === i);
  if (added.length === 0) return [...list];
  return [...list, ...added].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** The list of versions kept by the negotiation's events. */
export function applyVersionEvents(list: readonly VersionSummary[], events: readonly NegotiationEvent[]): VersionSummary[] {
  return withVersions(
    list,
    events.flatMap((e) => versionOf(e) ?? []),
  );
}
