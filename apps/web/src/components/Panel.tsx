import type { ReactNode } from 'react';
import { Card } from 'antd';

/** A card whose title is a real heading: screen readers and tests find panels by it. */
export function Panel({ title, level = 2, extra, children, className }: { title: string; level?: 2 | 3; extra?: ReactNode; children: ReactNode; className?: string }) {
  const H = level === 2 ? 'h2' : 'h3';
  return (
    <Card className={className ? `panel ${className}` : 'panel'} title={<H className="panel-heading">{title}</H>} extra={extra}>
      {children}
    </Card>
  );
}
