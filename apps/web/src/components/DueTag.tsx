import { Tag } from 'antd';
import type { NextDeadline } from '../api';
import { DEADLINE_KINDS, label } from '../labels';

/** 剩余 N 天 / 已超期 N 天: amber from the first warning, red once breached. */
export function DaysLeft({ d }: { d: NextDeadline | null | undefined }) {
  if (!d) return <span className="muted">—</span>;
  if (d.level === 'breached') return <Tag color="red">已超期 {d.overdueDays ?? Math.max(0, -d.daysLeft)} 天</Tag>;
  return <Tag color={d.level === 'warning' ? 'orange' : 'green'}>剩余 {d.daysLeft} 天</Tag>;
}

export function NextDue({ d }: { d: NextDeadline | null | undefined }) {
  if (!d) return <span className="muted">—</span>;
  return (
    <span title={d.basis}>
      {label(DEADLINE_KINDS, d.kind)} · {d.lastDay}
    </span>
  );
}
