import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Col, DatePicker, Drawer, Form, Row, Segmented, Select, Space, Statistic, Table, Tag, TreeSelect, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { get, type BacklogItem, type Breakdown, type BreakdownItem, type CaseSummary, type Rate, type ReportCases, type Summary } from '../api';
import { ActionDialog, ACTIONS } from '../components/ActionDialog';
import { Chart } from '../components/Chart';
import { Panel } from '../components/Panel';
import { errorText } from '../form-errors';
import { AUTHORITIES, CHANNELS, DEADLINE_KINDS, RATE_FIGURES, STATUSES, formatDate, label, options } from '../labels';
import { useCategories, useCategoryName, useUnitName, useUnits } from '../queries';

const pct = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);
/** "95.0%（19/20）", or "—" when nothing is to be counted. */
const rateText = (r: Rate | undefined) => (!r || r.denominator === 0 ? '—' : `${pct(r.rate)}（${r.numerator}/${r.denominator}）`);

/** A chart's words for screen readers: "按责任单位：住房和城乡建设局 3 件；…". */
const describe = (title: string, b: Breakdown | undefined, item: (i: BreakdownItem) => string) => `${title}：${b ? (b.items.length ? b.items.map(item).join('；') : '本期无数据') : '加载中'}`;

/**
 * ECharts' aria writes its own generated description over the container's aria-label on every
 * setOption; given as the aria description, the page's own words are the ones read out.
 */
function DescribedChart({ option, label }: { option: Record<string, unknown>; label: string }) {
  return <Chart option={{ ...option, aria: { enabled: true, label: { description: label } } }} label={label} />;
}

/** The filters of every report on the page (the backlog excepted): each unset means all. */
interface Filters {
  unitCode?: string;
  authority?: string;
  channel?: string;
  category?: string;
}
const FILTER_NAMES: Record<keyof Filters, string> = { unitCode: '责任单位', authority: '交办机关', channel: '来源渠道', category: '内容分类' };

/**
 * The cases behind a figure card (GET /reports/cases): its numerator or its denominator for the
 * same period, paged, each opening the case. The list's total is the card's number.
 */
function FigureCases({
  figure,
  title,
  from,
  to,
  filters,
  filterText,
  onClose,
}: {
  figure: string | null;
  title: string;
  from: string;
  to: string;
  filters: Filters;
  filterText: string;
  onClose: () => void;
}) {
  const [part, setPart] = useState<'numerator' | 'denominator'>('numerator');
  const [page, setPage] = useState(1);
  const unitName = useUnitName();
  const cases = useQuery({
    queryKey: ['report-cases', figure, part, from, to, filters, page],
    queryFn: () => get<ReportCases>('/reports/cases', { figure: figure!, part, from, to, ...filters, page, pageSize: 20 }),
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
      {filterText && (
        <Typography.Paragraph type="secondary">
          {from} 至 {to}，筛选：{filterText}
        </Typography.Paragraph>
      )}
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
  const [filters, setFilters] = useState<Filters>({});
  const setFilter = (k: keyof Filters, v: string | undefined) =>
    setFilters((f) => {
      const next = { ...f };
      if (v) next[k] = v;
      else delete next[k];
      return next;
    });
  const filtered = Object.keys(filters).length > 0;
  const query = { from, to, ...filters };
  const units = useUnits();
  const categories = useCategories();
  const unitName = useUnitName();
  const categoryName = useCategoryName();
  // the breakdown's key of the cases not yet routed to a unit
  const unitLabel = (k: string) => (k === 'unassigned' ? '待转送' : unitName(k));
  const categoryTree = useMemo(
    () =>
      (categories.data ?? []).map((c) => ({
        value: c.code,
        title: c.name,
        label: c.name,
        children: c.children?.map((x) => ({ value: x.code, title: x.name, label: `${c.name} / ${x.name}` })),
      })),
    [categories.data],
  );
  const [supervising, setSupervising] = useState<string | null>(null);
  const [drill, setDrill] = useState<{ figure: string; title: string } | null>(null);

  const summary = useQuery({ queryKey: ['summary', from, to, filters], queryFn: () => get<Summary>('/reports/summary', query) });
  // the backlog (交办积案) is every open assigned case, whatever the filters
  const backlog = useQuery({ queryKey: ['backlog'], queryFn: () => get<BacklogItem[]>('/reports/backlog') });
  const byMonth = useQuery({ queryKey: ['breakdown', 'month', from, to, filters], queryFn: () => get<Breakdown>('/reports/breakdown', { by: 'month', ...query }) });
  const byUnit = useQuery({ queryKey: ['breakdown', 'unit', from, to, filters], queryFn: () => get<Breakdown>('/reports/breakdown', { by: 'unit', ...query }) });
  const byCategory = useQuery({ queryKey: ['breakdown', 'category', from, to, filters], queryFn: () => get<Breakdown>('/reports/breakdown', { by: 'category', ...query }) });
  // Art. 41: the units ranked, the most complained of first (the API's order: received, descending)
  const ranking = useMemo(() => (byUnit.data?.items ?? []).filter((i) => i.key !== 'unassigned'), [byUnit.data]);
  const filterText = (Object.entries(filters) as [keyof Filters, string][])
    .map(([k, v]) => `${FILTER_NAMES[k]} ${k === 'unitCode' ? unitName(v) : k === 'authority' ? label(AUTHORITIES, v) : k === 'channel' ? label(CHANNELS, v) : categoryName(v)}`)
    .join('，');

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
          <Typography.Title level={1} className="page-title">
            领导驾驶舱
          </Typography.Title>
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
      {/* the period's companions: every report below is of the cases they select (the backlog excepted) */}
      <Card className="filters" size="small">
        <Form layout="inline">
          <Form.Item label="责任单位" htmlFor="filter-unit">
            <Select
              id="filter-unit"
              allowClear
              showSearch
              optionFilterProp="label"
              style={{ width: 200 }}
              placeholder="全部"
              value={filters.unitCode}
              onChange={(v?: string) => setFilter('unitCode', v)}
              loading={units.isLoading}
              options={(units.data ?? []).map((u) => ({ value: u.code, label: u.name }))}
            />
          </Form.Item>
          <Form.Item label="交办机关" htmlFor="filter-authority">
            <Select
              id="filter-authority"
              allowClear
              style={{ width: 130 }}
              placeholder="全部"
              value={filters.authority}
              onChange={(v?: string) => setFilter('authority', v)}
              options={options(AUTHORITIES)}
            />
          </Form.Item>
          <Form.Item label="来源渠道" htmlFor="filter-channel">
            <Select id="filter-channel" allowClear style={{ width: 120 }} placeholder="全部" value={filters.channel} onChange={(v?: string) => setFilter('channel', v)} options={options(CHANNELS)} />
          </Form.Item>
          <Form.Item label="内容分类" htmlFor="filter-category">
            <TreeSelect
              id="filter-category"
              allowClear
              showSearch
              treeNodeFilterProp="title"
              treeNodeLabelProp="label"
              style={{ width: 240 }}
              placeholder="全部（一级或二级）"
              value={filters.category}
              onChange={(v?: string) => setFilter('category', v)}
              loading={categories.isLoading}
              treeData={categoryTree}
            />
          </Form.Item>
          {filtered && (
            <Form.Item style={{ marginInlineEnd: 0 }}>
              <Button type="link" onClick={() => setFilters({})}>
                清除筛选
              </Button>
            </Form.Item>
          )}
        </Form>
      </Card>
      {summary.isError && <Alert type="error" showIcon title={errorText(summary.error)} />}
      {s && (
        <Typography.Paragraph type="secondary">
          {s.period.from} 至 {s.period.to}：登记 {s.received.contacts} 件次（新案 {s.received.cases} 件，{s.received.persons} 人次），办结 {s.closed.total} 件（实体性 {s.closed.substantive}、程序性{' '}
          {s.closed.procedural}），领导接访 {s.reception.sessions} 场。{filtered && `（筛选：${filterText}）`}
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

      <FigureCases figure={drill?.figure ?? null} title={drill?.title ?? ''} from={from} to={to} filters={filters} filterText={filterText} onClose={() => setDrill(null)} />

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
              render: (_: unknown, b) => (b.overdue ? <Tag color="red">已超期</Tag> : b.daysLeft === null ? '—' : <Tag color={b.daysLeft <= 7 ? 'orange' : 'green'}>剩余 {b.daysLeft} 天</Tag>),
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
            <DescribedChart option={trend} label={describe('月度趋势', byMonth.data, (i) => `${i.key} 登记 ${i.received} 件、办结 ${i.closed} 件`)} />
          </Panel>
        </Col>
        <Col xs={24} lg={12}>
          <Panel title="按责任单位">
            <DescribedChart option={bar(byUnit.data, unitLabel)} label={describe('按责任单位', byUnit.data, (i) => `${unitLabel(i.key)} ${i.received} 件`)} />
          </Panel>
        </Col>
        <Col xs={24} lg={12}>
          <Panel title="按内容分类">
            <DescribedChart option={bar(byCategory.data, categoryName)} label={describe('按内容分类', byCategory.data, (i) => `${categoryName(i.key)} ${i.received} 件`)} />
          </Panel>
        </Col>
      </Row>

      <Panel title="责任单位排名" className="unit-ranking">
        <Table<BreakdownItem>
          size="small"
          rowKey="key"
          loading={byUnit.isLoading}
          dataSource={ranking}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          locale={{ emptyText: <span className="muted">本期没有责任单位的案件</span> }}
          columns={[
            { title: '责任单位', key: 'unit', render: (_: unknown, u) => unitName(u.key) },
            { title: '受理登记', dataIndex: 'received', align: 'right' },
            { title: '办结', dataIndex: 'closed', align: 'right' },
            ...(['onTimeClosure', 'resolution', 'satisfaction'] as const).map((k) => ({
              title: { onTimeClosure: '按期办结率', resolution: '化解率', satisfaction: '满意率' }[k],
              key: k,
              align: 'right' as const,
              render: (_: unknown, u: BreakdownItem) => rateText(u.rates[k]),
              sorter: (a: BreakdownItem, b: BreakdownItem, order?: 'ascend' | 'descend' | null) => {
                const [x, y] = [a.rates[k].rate, b.rates[k].rate];
                // a unit with nothing to count (—) stays last either way (the table reverses for descend)
                if (x === null || y === null) return x === y ? 0 : (x === null ? 1 : -1) * (order === 'descend' ? -1 : 1);
                return x - y;
              },
              sortDirections: ['descend', 'ascend'] as ('descend' | 'ascend')[],
            })),
          ]}
        />
      </Panel>
    </div>
  );
}
