import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Col, Descriptions, Empty, Result, Row, Space, Spin, Table, Tag, Timeline, Typography } from 'antd';
import { ApiError, get, type CaseView, type Deadline } from '../api';
import { ActionDialog, ACTIONS, type ActionSpec } from '../components/ActionDialog';
import { DocumentsPanel, documentRenderedText, documentServedText } from '../components/DocumentsPanel';
import { QueryCodeReissue } from '../components/QueryCodeReissue';
import { useAuth } from '../auth';
import { Panel } from '../components/Panel';
import { errorText } from '../form-errors';
import { AUTHORITIES, CHANNELS, CLOSURE_KINDS, DEADLINE_KINDS, DECLINE_REASONS, OUTCOMES, PROCEDURES, PURPOSES, RATINGS, STATUSES, TIMELINE, formatTime, label } from '../labels';
import { useCategoryName, useUnitName } from '../queries';

/** Entered well after it happened (paper records, 补录): a few minutes' typing is not. */
const isLateEntry = (t: { at: string; enteredAt?: string }) => !!t.enteredAt && Date.parse(t.enteredAt) - Date.parse(t.at) > 10 * 60_000;

function deadlineState(d: Deadline) {
  if (d.withheld && !d.metAt) return <Tag color="default">待节假日安排</Tag>;
  if (d.state === 'breached') return <Tag color="red">{d.metAt ? '逾期履行' : '已超期'}</Tag>;
  if (d.state === 'met') return <Tag color="green">{d.lapsed ? (d.metAt ? '逾期行使' : '已届满') : '已履行'}</Tag>;
  return <Tag color="blue">进行中</Tag>;
}

/** The case page: facts, every deadline with its basis, the timeline, and the actions allowed now. */
export function CasePage() {
  const { id = '' } = useParams();
  const unitName = useUnitName();
  const categoryName = useCategoryName();
  const [active, setActive] = useState<ActionSpec | null>(null);
  const auth = useAuth();
  // A case just saved (202) may reach the case view a moment later: a 404 is asked again a few times, other errors are not.
  const q = useQuery({
    queryKey: ['case', id],
    queryFn: () => get<CaseView>(`/petitions/${id}`),
    retry: (n, e) => e instanceof ApiError && e.status === 404 && n < 3,
    retryDelay: (n) => 500 * 2 ** n,
  });

  if (q.isLoading) return <Spin size="large" style={{ display: 'block', margin: '80px auto' }} />;
  if (q.isError) {
    const e = q.error;
    const status = e instanceof ApiError ? e.status : 0;
    return (
      <Result
        status={status === 403 ? '403' : status === 404 ? '404' : 'error'}
        title={status === 403 ? '无权查看此案件' : status === 404 ? '案件不存在' : '读取案件失败'}
        subTitle={errorText(e)}
        extra={<Link to="/cases">返回案件列表</Link>}
      />
    );
  }
  const c = q.data!;
  const allowed = c.allowedActions ?? [];
  const specs = allowed.flatMap((a) => ACTIONS[a] ?? []);

  return (
    <div className="page">
      <Space align="baseline" wrap>
        <Typography.Title level={1} className="page-title">
          {c.trackingNo}
        </Typography.Title>
        <Tag color="blue">{label(STATUSES, c.status)}</Tag>
        {c.overdue && <Tag color="red">超期</Tag>}
        {c.supervised && <Tag color="red">督办</Tag>}
        {c.assignedBy && <Tag color="purple">{label(AUTHORITIES, c.assignedBy.authority)}交办</Tag>}
        {c.backlog && <Tag color="magenta">积案</Tag>}
      </Space>
      <Typography.Paragraph className="case-summary">{c.summary}</Typography.Paragraph>
      {c.renderError && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          title="案件数据异常"
          description={
            <span>
              {c.renderError.message}。以下仅显示可以读取的内容，办理期限和办理操作暂不可用。
              {c.renderError.detail && <Typography.Text type="secondary"> 技术信息：{c.renderError.detail}</Typography.Text>}
            </span>
          }
        />
      )}

      <div className="actions" role="group" aria-label="办理操作">
        {specs.length ? (
          specs.map((s) => (
            <Button key={s.title} type={s.danger ? 'default' : 'primary'} danger={s.danger} onClick={() => setActive(s)}>
              {s.title}
            </Button>
          ))
        ) : (
          <Typography.Text type="secondary">当前状态下您没有可办理的操作。</Typography.Text>
        )}
        {auth.has('reception', 'office') && <QueryCodeReissue caseId={c.id} trackingNo={c.trackingNo} />}
      </div>
      {specs.map((s) => (
        <ActionDialog key={s.title} caseId={c.id} spec={s} open={active?.title === s.title} onClose={() => setActive(null)} onDone={() => setActive(null)} />
      ))}
      {c.priorFinalCase && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title="同一信访人就同一事项已复核终结"
          description={
            <span>
              原案件 <Link to={`/cases/${c.priorFinalCase.id}`}>{c.priorFinalCase.trackingNo}</Link>；以同一事实和理由再次提出的，不再受理（第三十六条第三款）。
            </span>
          }
        />
      )}

      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <Panel title="基本信息">
            <Descriptions column={2} size="small" bordered>
              <Descriptions.Item label="信访编号">{c.trackingNo}</Descriptions.Item>
              <Descriptions.Item label="状态">{label(STATUSES, c.status)}</Descriptions.Item>
              <Descriptions.Item label="来源渠道">{label(CHANNELS, c.channel)}</Descriptions.Item>
              <Descriptions.Item label="收信/来访时间">{formatTime(c.receivedAt)}</Descriptions.Item>
              <Descriptions.Item label="信访目的">{label(PURPOSES, c.purpose)}</Descriptions.Item>
              <Descriptions.Item label="内容分类">{categoryName(c.category)}</Descriptions.Item>
              <Descriptions.Item label="信访人" span={2}>
                {c.petitioners.map((p, i) => (
                  <div key={i}>
                    {p.name}
                    {p.idNumber ? ` · ${p.idNumber}` : ''}
                    {p.phone ? ` · ${p.phone}` : ''}
                    {p.address ? ` · ${p.address}` : ''}
                  </div>
                ))}
              </Descriptions.Item>
              <Descriptions.Item label="人数">
                {c.headcount} 人{c.groupVisit ? '（集体访）' : ''}
              </Descriptions.Item>
              <Descriptions.Item label="重复信访">{c.repeatContacts ? `${c.repeatContacts} 次` : '无'}</Descriptions.Item>
              <Descriptions.Item label="信访事项摘要" span={2}>
                {c.summary}
              </Descriptions.Item>
              <Descriptions.Item label="主要诉求及事实" span={2}>
                <div className="pre">{c.content}</div>
              </Descriptions.Item>
              {c.assignedBy && (
                <>
                  <Descriptions.Item label="交办机关">{label(AUTHORITIES, c.assignedBy.authority)}</Descriptions.Item>
                  <Descriptions.Item label="交办文号">{c.assignedBy.reference}</Descriptions.Item>
                  <Descriptions.Item label="反馈期限">{c.assignedBy.feedbackDueAt ?? '—'}</Descriptions.Item>
                  <Descriptions.Item label="积案">{c.backlog ? '是' : '否'}</Descriptions.Item>
                </>
              )}
              <Descriptions.Item label="责任单位">{c.unitCode ? unitName(c.unitCode) : '待转送'}</Descriptions.Item>
              <Descriptions.Item label="转送方式">{c.routeMode === 'assign' ? '交办' : c.routeMode === 'transfer' ? '转送' : '—'}</Descriptions.Item>
              <Descriptions.Item label="转送时间">{formatTime(c.routedAt)}</Descriptions.Item>
              <Descriptions.Item label="受理时间">{formatTime(c.acceptedAt)}</Descriptions.Item>
              {c.extension && (
                <Descriptions.Item label="延期" span={2}>
                  {c.extension.days} 日，理由：{c.extension.reason}；批准人：{c.extension.approvedBy}
                </Descriptions.Item>
              )}
              {c.closure && (
                <Descriptions.Item label="办结" span={2}>
                  {formatTime(c.closedAt)} · {label(CLOSURE_KINDS, c.closure.kind)}
                  {c.diversion ? ' · 已导入相应程序' : <> · {label(OUTCOMES, c.closure.outcome)}</>}
                  {c.closure.opinion && <div className="pre">{c.closure.opinion}</div>}
                </Descriptions.Item>
              )}
              {c.decline && (
                <Descriptions.Item label="不予受理" span={2}>
                  {label(DECLINE_REASONS, c.decline.reason)} {c.decline.note ?? ''}
                </Descriptions.Item>
              )}
              {c.diversion && (
                <Descriptions.Item label="导入程序" span={2}>
                  {label(PROCEDURES, c.diversion.procedure)} {c.diversion.note ?? ''}
                </Descriptions.Item>
              )}
              {c.evaluationState && (
                <Descriptions.Item label="满意度评价" span={2}>
                  {c.evaluation ? `${label(RATINGS, c.evaluation.rating)}（${formatTime(c.evaluation.at)}）` : c.evaluationState}
                </Descriptions.Item>
              )}
              {c.supervisions.length > 0 && (
                <Descriptions.Item label="督办" span={2}>
                  {c.supervisions.map((s, i) => (
                    <div key={i}>
                      {formatTime(s.at)} {s.automatic ? '超期自动督办' : `${s.by ?? ''}：${s.note ?? ''}`}
                    </div>
                  ))}
                </Descriptions.Item>
              )}
            </Descriptions>
          </Panel>
          <DocumentsPanel caseId={c.id} trackingNo={c.trackingNo} version={c.timeline.length} canServe={auth.has('reception', 'office', 'handler', 'admin')} />
        </Col>
        <Col xs={24} xl={10}>
          <Panel title="办理期限">
            <Table<Deadline>
              size="small"
              rowKey={(d) => d.kind}
              pagination={false}
              dataSource={c.deadlines}
              locale={{ emptyText: <span className="muted">暂无期限</span> }}
              rowClassName={(d) => (d.state === 'breached' && !d.metAt ? 'row-breached' : '')}
              columns={[
                {
                  title: '期限及依据',
                  dataIndex: 'kind',
                  render: (k: string, d) => (
                    <div>
                      <strong>{label(DEADLINE_KINDS, k)}</strong>
                      <p className="basis">{d.basis}</p>
                    </div>
                  ),
                },
                { title: '截止', dataIndex: 'lastDay', width: 130, render: (d: string | null, r) => (d ? `${d} 24:00` : r.withheld ? '暂不能计算' : '—') },
                { title: '状态', key: 'state', render: (_: unknown, d) => deadlineState(d) },
              ]}
            />
          </Panel>
          <Panel title="办理过程" className="timeline-panel">
            {c.timeline.length ? (
              <Timeline
                items={c.timeline.map((t) => ({
                  color: t.type === 'deadline-breached' ? 'red' : t.type === 'deadline-warned' ? 'orange' : 'blue',
                  children: (
                    <div>
                      <strong>{label(TIMELINE, t.type)}</strong> <span className="muted">{formatTime(t.at)}</span>
                      {t.actor && <span className="muted"> · {t.actor}</span>}
                      {isLateEntry(t) && (
                        <Tag color="orange" style={{ marginLeft: 8 }}>
                          补录 {formatTime(t.enteredAt)}
                        </Tag>
                      )}
                      {t.correction && !isLateEntry(t) && (
                        <Tag color="orange" style={{ marginLeft: 8 }}>
                          管理员更正
                        </Tag>
                      )}
                      {t.type === 'deadline-recomputed' && t.detail && <div className="muted">{recomputedText(t.detail)}</div>}
                      {t.type === 'document-rendered' && t.detail && <div className="muted">{documentRenderedText(t.detail)}</div>}
                      {t.type === 'document-served' && t.detail && <div className="muted">{documentServedText(t.detail)}</div>}
                    </div>
                  ),
                }))}
              />
            ) : (
              <Empty />
            )}
          </Panel>
        </Col>
      </Row>
    </div>
  );
}

/** A deadline a holiday notice computed or moved: "办理期限：最后一日由 2027-02-26 调整为 2027-02-27（2027 年节假日安排）". */
function recomputedText(d: Record<string, unknown>): string {
  const kind = label(DEADLINE_KINDS, String(d.kind ?? ''));
  const year = d.calendarYear ? `（${String(d.calendarYear)} 年节假日安排）` : '';
  return d.previousLastDay ? `${kind}：最后一日由 ${String(d.previousLastDay)} 调整为 ${String(d.lastDay)}${year}` : `${kind}：此前暂不能计算，最后一日为 ${String(d.lastDay)}${year}`;
}
