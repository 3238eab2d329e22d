// How an award's state reads on the dashboard: one label and one colour per display state.
import { Pill } from '../../ui/components.tsx';
import { type AwardFilterState, displayState } from '../policy.ts';
import type { Award } from '../service.ts';

export const STATE_LABEL: Record<AwardFilterState, string> = {
  pending: 'Not yet claimed',
  accepted: 'Accepted',
  rejected: 'Declined',
  revoked: 'Revoked',
  expired: 'Expired',
};
const STATE_PILL: Record<AwardFilterState, 'ok' | 'warn' | 'bad' | 'neutral'> = {
  pending: 'neutral',
  accepted: 'ok',
  rejected: 'bad',
  revoked: 'bad',
  expired: 'warn',
};

export function StatePill(props: { award: Pick<Award, 'state' | 'revokedAt' | 'validUntil'> }) {
  const s = displayState(props.award);
  return <Pill kind={STATE_PILL[s]}>{STATE_LABEL[s]}</Pill>;
}
