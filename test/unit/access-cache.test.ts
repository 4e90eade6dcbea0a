import { describe, expect, it } from 'vitest';
import { AccessCache, type CachedMandate, type CachedSession } from '../../server/access/access-cache.ts';

const session = (id: string): CachedSession => ({
  user: { id: `user-${id}`, name: 'Thomas Lefèvre', email: 't@cgt.test' },
  sessionId: id,
  lastSeenAt: 0,
  expiresAt: 1,
  absoluteExpiresAt: 1,
});
const mandate: CachedMandate = { org: { id: 'cgt', shortName: 'CGT', college: 'union' }, roles: ['delegate'] };

describe('the access cache', () => {
  it('does not keep an answer read while its collection changed (a revocation during the read wins)', () => {
    const cache = new AccessCache();
    const generation = cache.mandates.generation;
    // …the membership is being read; meanwhile another client revokes it…
    cache.changed({ collection: 'memberships', kind: 'update', id: 'm1' });
    cache.mandates.set('u:n', mandate, generation);
    expect(cache.mandates.get('u:n')).toBeUndefined();
  });

  it('forgets only the session that was written, every session when a user changes, every mandate when a membership or organisation changes', () => {
    const cache = new AccessCache();
    cache.sessions.set('a', session('a'), cache.sessions.generation);
    cache.sessions.set('b', session('b'), cache.sessions.generation);
    cache.mandates.set('u:n', mandate, cache.mandates.generation);

    cache.changed({ collection: 'sessions', kind: 'update', id: 'a' });
    expect([cache.sessions.get('a'), cache.sessions.get('b')?.sessionId]).toEqual([undefined, 'b']);
    expect(cache.mandates.get('u:n')).toBe(mandate);

    cache.changed({ collection: 'users', kind: 'update', id: 'x' });
    expect(cache.sessions.get('b')).toBeUndefined();

    for (const collection of ['memberships', 'organisations']) {
      cache.mandates.set('u:n', mandate, cache.mandates.generation);
      cache.changed({ collection, kind: 'remove', id: 'x' });
      expect(cache.mandates.get('u:n')).toBeUndefined();
    }
  });

  it('is untouched by inserts (nothing absent is cached) and by other collections', () => {
    const cache = new AccessCache();
    cache.sessions.set('a', session('a'), cache.sessions.generation);
    cache.mandates.set('u:n', mandate, cache.mandates.generation);
    cache.changed({ collection: 'sessions', kind: 'insert', id: 'z' });
    cache.changed({ collection: 'memberships', kind: 'insert', id: 'z' });
    cache.changed({ collection: 'events', kind: 'update', id: 'z' });
    expect(cache.sessions.get('a')?.sessionId).toBe('a');
    expect(cache.mandates.get('u:n')).toBe(mandate);
  });

  it('forgets every session when the sessions collection is dropped or a change names no document', () => {
    const cache = new AccessCache();
    cache.sessions.set('a', session('a'), cache.sessions.generation);
    cache.changed({ collection: 'sessions', kind: 'schema' });
    expect(cache.sessions.get('a')).toBeUndefined();
  });
});
