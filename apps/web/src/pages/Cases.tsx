import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, App, Badge, Card, Col, Form, Input, Row, Select, Space, Statistic, Table, Tag, Typography } from 'antd';
import { get, type CaseSummary, type Page } from '../api';
import { useAuth } from '../auth';
import { DaysLeft, NextDue } from '../components/DueTag';
import { errorText } from '../form-errors';
import { AUTHORITIES, STATUSES, label, options } from '../labels';
import { useUnitName } from '../queries';
import { ID_NUMBER_PROBLEM_TEXT, idNumberProblem } from '../../../../libs/common/src/input-checks';

const PAGE_SIZE = 20;
const TRACKING = /^XF\d{8}[0-9A-F]{8}$/i;
const ID_NUMBER = /^(\d{17}[\dXx]|\d{15})$/;

/** 案件列表: the cases the user may see, most urgent first; the overdue count always in sight. */
export function CasesPage() {
  const { user, has } = useAuth();
  const unitName = useUnitName();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const [search, setSearch] = useState('');
  const [searching, setSearching] = useState(false);
  const status = params.get('status') ?? undefined;
  const authority = params.get('authority') ?? undefined;
  const overdue = params.get('overdue') ?? undefined;
  const page = Number(params.get('page') ?? 1);

  const set = (k: string, v: string | undefined) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    if (k !== 'page') next.delete('page');
    setParams(next, { replace: true });
  };

  const list = useQuery({
    queryKey: ['cases', { status, authority, overdue, page }],
    queryFn: () => get<Page<CaseSummary>>('/petitions', { sort: 'urgency', status, authority, overdue, page, pageSize: PAGE_SIZE }),
    placeholderData: keepPreviousData,
    refetchInterval: 60_000,
  });

  /** The search box takes a tracking number, or (reception, office) an identity number. */
  const find = async (raw: string) => {
    const q = raw.trim().toUpperCase();
    if (!q) return;
    setSearching(true);
    try {
      if (ID_NUMBER.test(q) && has('reception', 'office')) {
        // the API's own GB 11643 rule: a mistyped number is said here, not sent
        const problem = idNumberProblem(q);
        if (problem) {
          message.warning(`身份证号${ID_NUMBER_PROBLEM_TEXT[problem]}`);
          return;
        }
        const r = await get<Page<CaseSummary>>('/petitioners/cases', { idNumber: q });
        if (r.items.length === 1) navigate(`/cases/${r.items[0].id}`);
        else if (r.items.length) setFound(r.items);
        else message.info('没有此身份证号的信访记录');
      } else {
        const r = await get<Page<CaseSummary>>('/petitions', { trackingNo: q });
        if (r.items.length) navigate(`/cases/${r.items[0].id}`);
        else message.warning(TRACKING.test(q) ? `没有信访编号为 ${q} 的案件，或您无权查看` : '请输入完整的信访编号（如 XF20241201ABCD1234）');
      }
    } catch (e) {
      message.error(errorText(e));
    } finally {
      setSearching(false);
    }
  };
  const [found, setFound] = useState<CaseSummary[] | null>(null);

  const columns = [
    { title: '信访编号', dataIndex: 'trackingNo', render: (t: string, c: CaseSummary) => <Link to={`/cases/${c.id}`}>{t}</Link> },
    {
      title: '信访事项摘要',
      dataIndex: 'summary',
      render: (s: string, c: CaseSummary) => (
        <Space size={4} wrap>
          <span>{s}</span>
          {c.assignedBy && <Tag color="purple">{label(AUTHORITIES, c.assignedBy.authority)}交办</Tag>}
          {c.backlog && <Tag color="magenta">积案</Tag>}
          {c.groupVisit && <Tag color="volcano">集体访</Tag>}
          {c.repeatContacts > 0 && <Tag>重复 {c.repeatContacts}</Tag>}
          {c.supervised && <Tag color="red">督办</Tag>}
          {c.renderError && (
            <Tag color="error" title={c.renderError.message}>
              数据异常
            </Tag>
          )}
        </Space>
      ),
    },
    { title: '责任单位', dataIndex: 'unitCode', render: (u: string | null) => (u ? unitName(u) : <span className="muted">待转送</span>) },
    { title: '状态', dataIndex: 'status', render: (s: string) => label(STATUSES, s) },
    { title: '下一期限', key: 'next', render: (_: unknown, c: CaseSummary) => <NextDue d={c.nextDeadline} /> },
    { title: '剩余天数', key: 'left', render: (_: unknown, c: CaseSummary) => <DaysLeft d={c.nextDeadline} /> },
  ];

  const overdueTotal = list.data?.overdueTotal;
  return (
    <div className="page">
      <Row justify="space-between" align="middle">
        <Col>
          <Typography.Title level={1} className="page-title">
            案件列表
          </Typography.Title>
          <Typography.Text type="secondary">
            {user?.roles.includes('handler') && !user.roles.includes('admin') ? `${unitName(user.unitCode)}的案件，` : '全部案件，'}按紧急程度排序（最先到期的在前）
          </Typography.Text>
        </Col>
        <Col>
          <Card size="small" className={overdueTotal ? 'overdue-card hot' : 'overdue-card'}>
            <Statistic title="超期" value={overdueTotal ?? '—'} suffix="件" valueStyle={{ color: overdueTotal ? '#cf1322' : undefined }} />
          </Card>
        </Col>
      </Row>
      <Card className="filters">
        <Form layout="inline">
          <Form.Item label="状态" htmlFor="filter-status">
            <Select id="filter-status" allowClear style={{ width: 160 }} value={status} onChange={(v) => set('status', v)} options={options(STATUSES)} placeholder="全部" />
          </Form.Item>
          <Form.Item label="交办机关" htmlFor="filter-authority">
            <Select id="filter-authority" allowClear style={{ width: 140 }} value={authority} onChange={(v) => set('authority', v)} options={options(AUTHORITIES)} placeholder="全部" />
          </Form.Item>
          <Form.Item label="是否超期" htmlFor="filter-overdue">
            <Select
              id="filter-overdue"
              allowClear
              style={{ width: 120 }}
              value={overdue}
              onChange={(v) => set('overdue', v)}
              options={[
                { value: 'true', label: '已超期' },
                { value: 'false', label: '未超期' },
              ]}
              placeholder="全部"
            />
          </Form.Item>
          <Form.Item label="查询" htmlFor="case-search">
            <Input.Search
              id="case-search"
              style={{ width: 300 }}
              placeholder={has('reception', 'office') ? '信访编号或身份证号' : '信访编号'}
              enterButton="查找"
              value={search}
              loading={searching}
              onChange={(e) => setSearch(e.target.value)}
              onSearch={find}
            />
          </Form.Item>
        </Form>
      </Card>
      {found && (
        <Alert
          type="info"
          closable
          onClose={() => setFound(null)}
          title={`此身份证号共有 ${found.length} 件信访记录`}
          description={
            <Space wrap>
              {found.map((c) => (
                <Link key={c.id} to={`/cases/${c.id}`}>
                  {c.trackingNo}（{label(STATUSES, c.status)}）
                </Link>
              ))}
            </Space>
          }
          style={{ marginBottom: 16 }}
        />
      )}
      {list.isError && <Alert type="error" showIcon title={errorText(list.error)} style={{ marginBottom: 16 }} />}
      <Table<CaseSummary>
        rowKey="id"
        columns={columns}
        dataSource={list.data?.items ?? []}
        loading={list.isFetching && !list.data}
        rowClassName={(c) => (c.nextDeadline?.level === 'breached' ? 'row-breached' : c.nextDeadline?.level === 'warning' ? 'row-warning' : '')}
        locale={{ emptyText: <span className="muted">没有符合条件的案件</span> }}
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total: list.data?.total ?? 0,
          showSizeChanger: false,
          showTotal: (t) => (
            <span>
              共 {t} 件 {overdueTotal ? <Badge color="red" text={`其中超期 ${overdueTotal} 件`} /> : null}
            </span>
          ),
          onChange: (p) => set('page', String(p)),
        }}
      />
    </div>
  );
}
