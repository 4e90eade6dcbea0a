import type { Stance } from '../../../shared/positions/position.ts';
import type { MessageKey } from '../lib/i18n.svelte.ts';

/** One colour per stance, shared by the position box and the matrix legend. */
export const STANCE_COLOURS: Record<Stance, string> = {
  favorable: '#2e7d32',
  signera: '#1565c0',
  réservé: '#9a5b00',
  défavorable: '#c62828',
  's’opposera': '#6a1b1a',
};

const KEYS: Record<Stance, MessageKey> = {
  favorable: 'position.stance.favorable',
  défavorable: 'position.stance.defavorable',
  réservé: 'position.stance.reserve',
  signera: 'position.stance.signera',
  's’opposera': 'position.stance.sopposera',
};

export const stanceKey = (stance: Stance): MessageKey => KEYS[stance];
