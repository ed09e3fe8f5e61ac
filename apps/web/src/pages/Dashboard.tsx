import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Col, DatePicker, Drawer, Form, Row, Segmented, Space, Statistic, Table, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { get, type BacklogItem, type Breakdown, type CaseSummary, type ReportCases, type Summary } from '../api';
import { ActionDialog, ACTIONS } from '../components/ActionDialog';
import { Chart } from '../components/Chart';
import { Panel } from '../components/Panel';
import { errorText } from '../form-errors';
import { AUTHORITIES, DEADLINE_KINDS, RATE_FIGURES, STATUSES, formatDate, label } from '../labels';
import { useCategoryName, useUnitName } from '../queries';

const pct = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);

/**
 * The cases behind a figure card (GET /reports/cases): its numerator or its denominator for the
 * same period, paged, each opening the case. The list's total is the card's number.
 */
function FigureCases({ figure, title, from, to, onClose }: { figure: string | null; title: string; from: string; to: string; onClose: () => void }) {
  const [part, setPart] = useState<'numerator' | 'denominator'>('numerator');
  const [page, setPage] = useState(1);
  const unitName = useUnitName();
  const cases = useQuery({
    queryKey: ['report-cases', figure, part, from, to, page],
    queryFn: () => get<ReportCases>('/reports/cases', { figure: figure!, part, from, to, page, pageSize: 20 }),
    enabled: !!figure,
  });
  return (
    <Drawer open={!!figure} onClose={onClose} size="large" title={`${title}：涉及案件`} destroyOnHidden>
      <Segmented<'numerator' | 'denominator'>
        aria-label="分子或分母"
        value={part}
        onChange={(v) => (setPart(v), setPage(1))}
        options={[
          { value: 'numerator', label: '分子案件' },
          { value: 'denominator', label: '分母案件' },
        ]}
        style={{ marginBottom: 12 }}
      />
      {cases.isError && <Alert type="error" showIcon title={errorText(cases.error)} />}
      <Table<CaseSummary>
        rowKey={(c, i) => `${c.id}/${i}`}
        size="small"
        loading={cases.isLoading}
        dataSource={cases.data?.items ?? []}
        pagination={{ current: page, pageSize: 20, total: cases.data?.total ?? 0, onChange: setPage, showTotal: (n) => `共 ${n} 件` }}
        columns={[
          { title: '信访编号', key: 'trackingNo', render: (_: unknown, c) => <Link to={`/cases/${c.id}`}>{c.trackingNo}</Link> },
          { title: '事由', dataIndex: 'summary', key: 'summary' },
          { title: '状态', key: 'status', render: (_: unknown, c) => label(STATUSES, c.status) },
          { title: '责任单位', key: 'unit', render: (_: unknown, c) => (c.unitCode ? unitName(c.unitCode) : '—') },
          { title: '登记时间', key: 'receivedAt', render: (_: unknown, c) => formatDate(c.receivedAt) },
        ]}
      />
    </Drawer>
  );
}

/** 领导驾驶舱: the period's rates with their numerators, the assigned backlog, the charts. */
export default function DashboardPage() {
  const [period, setPeriod] = useState<[Dayjs, Dayjs]>([dayjs().startOf('year'), dayjs()]);
  const from = period[0].format('YYYY-MM-DD');
  const to = period[1].format('YYYY-MM-DD');
  const unitName = useUnitName();
  const categoryName = useCategoryName();
  const [supervising, setSupervising] = useState<string | null>(null);
  const [drill, setDrill] = useState<{ figure: string; title: string } | null>(null);

  const summary = useQuery({ queryKey: ['summary', from, to], queryFn: () => get<Summary>('/reports/summary', { from, to }) });
  const backlog = useQuery({ queryKey: ['backlog'], queryFn: () => get<BacklogItem[]>('/reports/backlog') });
  const byMonth = useQuery({ queryKey: ['breakdown', 'month', from, to], queryFn: () => get<Breakdown>('/reports/breakdown', { by: 'month', from, to }) });
  const byUnit = useQuery({ queryKey: ['breakdown', 'unit', from, to], queryFn: () => get<Breakdown>('/reports/breakdown', { by: 'unit', from, to }) });
  const byCategory = useQuery({ queryKey: ['breakdown', 'category', from, to], queryFn: () => get<Breakdown>('/reports/breakdown', { by: 'category', from, to }) });

  const counts = useMemo(() => {
    const items = backlog.data ?? [];
    return (['central', 'provincial', 'municipal'] as const).map((a) => {
      const of = items.filter((i) => i.authority === a);
      return {
        authority: a,
        open: of.length,
        overdue: of.filter((i) => i.overdue).length,
        dueSoon: of.filter((i) => !i.overdue && i.daysLeft !== null && i.daysLeft <= 7).length,
        supervised: of.filter((i) => i.supervised).length,
      };
    });
  }, [backlog.data]);

  const bar = (b: Breakdown | undefined, name: (k: string) => string) => ({
    tooltip: { trigger: 'axis' },
    legend: { top: 0, data: ['受理登记', '办结'] },
    grid: { left: 40, right: 16, top: 40, bottom: 70, containLabel: true },
    xAxis: { type: 'category', data: (b?.items ?? []).map((i) => name(i.key)), axisLabel: { interval: 0, rotate: 30 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: '受理登记', type: 'bar', data: (b?.items ?? []).map((i) => i.received) },
      { name: '办结', type: 'bar', data: (b?.items ?? []).map((i) => i.closed) },
    ],
  });
  const trend = {
    tooltip: { trigger: 'axis' },
    legend: { top: 0, data: ['受理登记', '办结', '超期'] },
    grid: { left: 40, right: 16, top: 40, bottom: 30, containLabel: true },
    xAxis: { type: 'category', data: (byMonth.data?.items ?? []).map((i) => i.key) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: '受理登记', type: 'line', data: (byMonth.data?.items ?? []).map((i) => i.received) },
      { name: '办结', type: 'line', data: (byMonth.data?.items ?? []).map((i) => i.closed) },
      { name: '超期', type: 'line', data: (byMonth.data?.items ?? []).map((i) => i.overdue) },
    ],
  };
  const s = summary.data;
  const superviseSpec = ACTIONS.supervise[0];

  return (
    <div className="page">
      <Row justify="space-between" align="middle">
        <Col>
          <Typography.Title level={1} className="page-title">领导驾驶舱</Typography.Title>
        </Col>
        <Col>
          <Space>
            <Form.Item label="统计期间" htmlFor="period" style={{ margin: 0 }}>
              <DatePicker.RangePicker
                id={{ start: 'period' }}
                value={period}
                allowClear={false}
                onChange={(v) => v?.[0] && v[1] && setPeriod([v[0], v[1]])}
                presets={[
                  { label: '本年', value: [dayjs().startOf('year'), dayjs()] },
                  { label: '上一年', value: [dayjs().subtract(1, 'year').startOf('year'), dayjs().subtract(1, 'year').endOf('year')] },
                  { label: '本月', value: [dayjs().startOf('month'), dayjs()] },
                ]}
              />
            </Form.Item>
            <Link to={`/dashboard/annual?year=${period[1].year()}`}>年度报告</Link>
          </Space>
        </Col>
      </Row>
      {summary.isError && <Alert type="error" showIcon title={errorText(summary.error)} />}
      {s && (
        <Typography.Paragraph type="secondary">
          {s.period.from} 至 {s.period.to}：登记 {s.received.contacts} 件次（新案 {s.received.cases} 件，{s.received.persons} 人次），办结 {s.closed.total} 件（实体性 {s.closed.substantive}、程序性{' '}
          {s.closed.procedural}），领导接访 {s.reception.sessions} 场。
        </Typography.Paragraph>
      )}
      <Row gutter={[16, 16]} className="rates">
        {RATE_FIGURES.map((f) => {
          const r = s?.rates[f.key];
          return (
            <Col key={f.key} xs={12} md={6}>
              <Card
                className="rate-card"
                title={<h2 className="panel-heading">{f.title}</h2>}
                size="small"
                hoverable
                // The whole card opens the list; the button in it is the keyboard's way there.
                onClick={() => setDrill({ figure: f.key, title: f.title })}
                extra={
                  <Button type="link" size="small" aria-label={`${f.title}：查看涉及案件`} onClick={(e) => (e.stopPropagation(), setDrill({ figure: f.key, title: f.title }))}>
                    案件
                  </Button>
                }
              >
                <Statistic value={r ? pct(r.rate) : '—'} />
                <div className="muted" aria-label={`${f.title}分子/分母`}>
                  分子/分母：{r ? `${r.numerator} / ${r.denominator}` : '—'}
                </div>
              </Card>
            </Col>
          );
        })}
      </Row>

      <FigureCases figure={drill?.figure ?? null} title={drill?.title ?? ''} from={from} to={to} onClose={() => setDrill(null)} />

      <Panel title="交办积案" className="backlog">
        <Row gutter={16} style={{ marginBottom: 16 }}>
          {counts.map((c) => (
            <Col key={c.authority} xs={24} md={8}>
              <Card size="small" title={<h3 className="panel-heading">{label(AUTHORITIES, c.authority)}交办</h3>}>
                <Space size="large">
                  <Statistic title="在办" value={c.open} />
                  <Statistic title="超期" value={c.overdue} valueStyle={{ color: c.overdue ? '#cf1322' : undefined }} />
                  <Statistic title="7 日内到期" value={c.dueSoon} valueStyle={{ color: c.dueSoon ? '#d46b08' : undefined }} />
                  <Statistic title="已督办" value={c.supervised} />
                </Space>
              </Card>
            </Col>
          ))}
        </Row>
        <Table<BacklogItem>
          size="small"
          rowKey="id"
          loading={backlog.isLoading}
          dataSource={backlog.data ?? []}
          pagination={{ pageSize: 10, hideOnSinglePage: true }}
          locale={{ emptyText: <span className="muted">没有在办的交办案件</span> }}
          rowClassName={(b) => (b.overdue ? 'row-breached' : b.daysLeft !== null && b.daysLeft <= 7 ? 'row-warning' : '')}
          columns={[
            { title: '信访编号', dataIndex: 'trackingNo', render: (t: string, b) => <Link to={`/cases/${b.id}`}>{t}</Link> },
            { title: '交办机关', dataIndex: 'authority', render: (a: string) => label(AUTHORITIES, a) },
            { title: '信访事项摘要', dataIndex: 'summary' },
            { title: '责任单位', dataIndex: 'unitCode', render: (u: string | null) => (u ? unitName(u) : '待转送') },
            { title: '状态', dataIndex: 'status', render: (x: string) => label(STATUSES, x) },
            { title: '期限', key: 'due', render: (_: unknown, b) => (b.dueAt ? `${label(DEADLINE_KINDS, b.dueKind ?? '')} ${formatDate(b.dueAt)}` : '—') },
            {
              title: '剩余天数',
              key: 'left',
              render: (_: unknown, b) =>
                b.overdue ? <Tag color="red">已超期</Tag> : b.daysLeft === null ? '—' : <Tag color={b.daysLeft <= 7 ? 'orange' : 'green'}>剩余 {b.daysLeft} 天</Tag>,
            },
            { title: '督办', dataIndex: 'supervised', render: (v: boolean) => (v ? <Tag color="red">已督办</Tag> : '—') },
            {
              title: '操作',
              key: 'op',
              render: (_: unknown, b) => (
                <Button size="small" onClick={() => setSupervising(b.id)} aria-label={`督办 ${b.trackingNo}`}>
                  督办
                </Button>
              ),
            },
          ]}
        />
        {supervising && <ActionDialog caseId={supervising} spec={superviseSpec} open onClose={() => setSupervising(null)} onDone={() => setSupervising(null)} />}
      </Panel>

      <Row gutter={[16, 16]}>
        <Col xs={24}>
          <Panel title="月度趋势">
            <Chart option={trend} label={`月度趋势：${(byMonth.data?.items ?? []).map((i) => `${i.key} 登记 ${i.received} 件、办结 ${i.closed} 件`).join('；')}`} />
          </Panel>
        </Col>
        <Col xs={24} lg={12}>
          <Panel title="按责任单位">
            <Chart option={bar(byUnit.data, (k) => (k ? unitName(k) : '待转送'))} label={`按责任单位：${(byUnit.data?.items ?? []).map((i) => `${unitName(i.key)} ${i.received} 件`).join('；')}`} />
          </Panel>
        </Col>
        <Col xs={24} lg={12}>
          <Panel title="按内容分类">
            <Chart option={bar(byCategory.data, categoryName)} label={`按内容分类：${(byCategory.data?.items ?? []).map((i) => `${categoryName(i.key)} ${i.received} 件`).join('；')}`} />
          </Panel>
        </Col>
      </Row>
    </div>
  );
}
