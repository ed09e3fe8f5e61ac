import { useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Cascader, Checkbox, Col, DatePicker, Empty, Form, Input, InputNumber, List, Result, Row, Select, Space, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { ApiError, get, isPendingView, post, type CaseSummary, type Page, type PendingView, type ReceptionSession, type RegisteredCase } from '../api';
import { useAuth } from '../auth';
import { errorText, showFieldErrors } from '../form-errors';
import { AUTHORITIES, CHANNELS, PURPOSES, SESSION_KINDS, STATUSES, formatDate, formatTime, label, options } from '../labels';
import { useCategories, useCategoryName } from '../queries';
import { Panel } from '../components/Panel';
import { Receipt, trackUrl } from '../components/Receipt';
import { LinkButton } from '../components/LinkButton';
import { EARLIEST_RECEIPT_DATE, ID_NUMBER_PROBLEM_TEXT, idNumberProblem, isGb11643, isPhone, normaliseIdNumber, PHONE_RULE_TEXT } from '../../../../libs/common/src/input-checks';

interface FormValues {
  channel: string;
  receivedAt?: Dayjs;
  petitioners: { name?: string; idNumber?: string; phone?: string; address?: string }[];
  headcount?: number;
  purpose?: string;
  category?: string[];
  summary?: string;
  content?: string;
  assignedBy?: { authority?: string; reference?: string; feedbackDueAt?: Dayjs };
  backlog?: boolean;
  receptionSessionId?: string;
}

/** The API's rules for identity numbers (GB 11643) and phones, checked as the user leaves the field. */
const idNumberRule = {
  validator: async (_: unknown, v?: string) => {
    const problem = v?.trim() ? idNumberProblem(normaliseIdNumber(v)) : null;
    if (problem) throw new Error(`身份证号${ID_NUMBER_PROBLEM_TEXT[problem]}`);
  },
};
const phoneRule = {
  validator: async (_: unknown, v?: string) => {
    if (v?.trim() && !isPhone(v)) throw new Error(`联系电话${PHONE_RULE_TEXT}`);
  },
};
const OPEN = ['registered', 'routed', 'accepted', 'under-review', 'under-re-review'];

/** Whose history to show beside the form: a complete identity number, else name + phone. */
function lookupKey(p: FormValues['petitioners'][number] | undefined): Record<string, string> | null {
  if (!p) return null;
  const id = p.idNumber?.trim();
  if (id && isGb11643(normaliseIdNumber(id))) return { idNumber: normaliseIdNumber(id) };
  const name = p.name?.trim();
  const phone = p.phone?.trim();
  if (name && phone && isPhone(phone)) return { name, phone };
  return null;
}

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [JSON.stringify(value), ms]);
  return v;
}

/**
 * The new case's query code (查询码), shown this once (the API never shows it again): large, with
 * the sentence the clerk tells the petitioner. `copy`: the receipt cannot be printed yet (the case
 * view lags), so the clerk writes it down for them.
 */
function QueryCode({ code, copy }: { code: string; copy?: boolean }) {
  return (
    <>
      <div className="tracking-label">查询码</div>
      <div className="tracking-no" aria-label="查询码">
        {code}
      </div>
      <div className="track-hint">
        凭信访编号和查询码，信访人可在“信访查询”页面（{trackUrl()}）查询办理进展、进行满意度评价或申请复查。查询码只显示这一次
        {copy ? '，回执暂不能打印，请抄给信访人。' : '，已印在回执上。'}
      </div>
    </>
  );
}

export function ReceptionPage() {
  const [form] = Form.useForm<FormValues>();
  const { user } = useAuth();
  const categories = useCategories();
  const categoryName = useCategoryName();
  const openedAt = useRef(dayjs());
  const [saved, setSaved] = useState<{ view: RegisteredCase; repeat: boolean } | null>(null);
  const [pending, setPending] = useState<PendingView | null>(null);
  const queries = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const petitioners = Form.useWatch('petitioners', form);
  const receivedAt = Form.useWatch('receivedAt', form);
  const authority = Form.useWatch(['assignedBy', 'authority'], form);
  const key = useDebounced(lookupKey(petitioners?.[0]), 400);

  const history = useQuery({
    queryKey: ['petitioner-cases', key],
    queryFn: () => get<Page<CaseSummary>>('/petitioners/cases', key!),
    enabled: !!key,
  });
  const today = dayjs().format('YYYY-MM-DD');
  const sessions = useQuery({
    queryKey: ['reception-sessions', today],
    queryFn: () =>
      get<ReceptionSession[]>('/reception-sessions', {
        from: dayjs().subtract(30, 'day').format('YYYY-MM-DD'),
        to: dayjs().add(30, 'day').format('YYYY-MM-DD'),
      }),
  });

  const categoryOptions = useMemo(
    () => (categories.data ?? []).map((c) => ({ value: c.code, label: c.name, children: c.children?.map((x) => ({ value: x.code, label: x.name })) })),
    [categories.data],
  );
  const lateEntry = !!receivedAt && receivedAt.isBefore(openedAt.current.subtract(10, 'minute'));

  const submit = async (v: FormValues) => {
    setBusy(true);
    setError(null);
    const body = {
      channel: v.channel,
      ...(v.receivedAt && v.receivedAt.isBefore(dayjs().subtract(1, 'minute')) ? { receivedAt: v.receivedAt.format() } : {}),
      petitioners: v.petitioners.map((p) => ({
        name: (p.name ?? '').trim(),
        ...(p.idNumber?.trim() ? { idNumber: p.idNumber.trim().toUpperCase() } : {}),
        ...(p.phone?.trim() ? { phone: p.phone.trim() } : {}),
        ...(p.address?.trim() ? { address: p.address.trim() } : {}),
      })),
      ...(v.headcount ? { headcount: v.headcount } : {}),
      purpose: v.purpose,
      category: v.category?.at(-1),
      summary: v.summary?.trim(),
      content: v.content?.trim(),
      ...(v.assignedBy?.authority
        ? {
            assignedBy: {
              authority: v.assignedBy.authority,
              reference: v.assignedBy.reference?.trim() ?? '',
              ...(v.assignedBy.feedbackDueAt ? { feedbackDueAt: v.assignedBy.feedbackDueAt.format('YYYY-MM-DD') } : {}),
            },
          }
        : {}),
      ...(v.backlog ? { backlog: true } : {}),
      ...(v.receptionSessionId ? { receptionSessionId: v.receptionSessionId } : {}),
    };
    try {
      const res = await post<RegisteredCase | PendingView>('/petitions', body);
      if (isPendingView(res)) {
        // Saved, the case view follows: the lists and the case refetch when opened.
        setPending(res.data);
        void queries.invalidateQueries({ queryKey: ['cases'] });
        void queries.invalidateQueries({ queryKey: ['case', res.data.id] });
      } else setSaved({ view: res.data as RegisteredCase, repeat: res.status === 200 });
      void history.refetch();
    } catch (e) {
      const rest = showFieldErrors(form, e);
      setError(e instanceof ApiError && e.details.length ? ['请按提示修改标红的内容后再登记。', ...rest].join(' ') : errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const again = () => {
    setSaved(null);
    setPending(null);
    setError(null);
    form.resetFields();
    openedAt.current = dayjs();
  };

  if (pending) {
    return (
      <div className="page">
        <Typography.Title level={1} className="page-title">
          接待登记
        </Typography.Title>
        <Result
          status="success"
          title="登记已保存"
          subTitle={
            <div>
              {pending.trackingNo && (
                <>
                  <div className="tracking-label">信访编号</div>
                  <div className="tracking-no" aria-label="信访编号">
                    {pending.trackingNo}
                  </div>
                </>
              )}
              {pending.queryCode && <QueryCode code={pending.queryCode} copy />}
              <div role="status">{pending.message}，请稍后打开案件查看或打印回执。</div>
            </div>
          }
          extra={[
            <LinkButton key="view" to={`/cases/${pending.id}`} primary>
              查看案件
            </LinkButton>,
            <Button key="again" onClick={again}>
              继续登记
            </Button>,
          ]}
        />
      </div>
    );
  }

  if (saved) {
    const v = saved.view;
    const route = v.deadlines.find((d) => d.kind === 'route');
    return (
      <div className="page">
        <Typography.Title level={1} className="page-title">
          接待登记
        </Typography.Title>
        {saved.repeat ? (
          <Result
            status="warning"
            title="重复信访"
            subTitle={`该信访人就同一事项已有在办案件，本次来访已计入该案件（第 ${v.repeatContacts} 次重复信访），不另立新案。`}
            extra={[
              <LinkButton key="open" to={`/cases/${v.id}`} primary>
                查看在办案件 {v.trackingNo}
              </LinkButton>,
              <Button key="again" onClick={again}>
                继续登记
              </Button>,
            ]}
          />
        ) : (
          <Result
            status="success"
            title="登记成功"
            subTitle={
              <div>
                <div className="tracking-label">信访编号</div>
                <div className="tracking-no" aria-label="信访编号">
                  {v.trackingNo}
                </div>
                {v.queryCode && <QueryCode code={v.queryCode} />}
                {route?.lastDay && <div>信访部门将于 {route.lastDay} 前转送或交办有权处理的机关、单位（《信访工作条例》第二十二条）。</div>}
              </div>
            }
            extra={[
              <Button key="print" type="primary" onClick={() => window.print()}>
                打印回执
              </Button>,
              <LinkButton key="view" to={`/cases/${v.id}`}>
                查看案件
              </LinkButton>,
              <Button key="again" onClick={again}>
                继续登记
              </Button>,
            ]}
          />
        )}
        {!saved.repeat && <Receipt view={v} categoryName={categoryName(v.category)} clerk={user?.displayName ?? ''} />}
      </div>
    );
  }

  return (
    <div className="page">
      <Typography.Title level={1} className="page-title">
        接待登记
      </Typography.Title>
      <Row gutter={24}>
        <Col xs={24} lg={15}>
          <Card>
            <Form<FormValues> form={form} layout="vertical" onFinish={submit} scrollToFirstError initialValues={{ channel: 'visit', receivedAt: dayjs(), petitioners: [{}] }}>
              <Row gutter={16}>
                <Col span={12}>
                  <Form.Item label="来源渠道" name="channel" rules={[{ required: true, message: '请选择来源渠道' }]}>
                    <Select showSearch optionFilterProp="label" options={options(CHANNELS)} />
                  </Form.Item>
                </Col>
                <Col span={12}>
                  <Form.Item label={<span>收信/来访时间 {lateEntry && <Tag color="orange">补录</Tag>}</span>} name="receivedAt" extra={lateEntry ? '早于当前时间：按补录登记，系统留痕' : undefined}>
                    <DatePicker
                      showTime={{ format: 'HH:mm' }}
                      format="YYYY-MM-DD HH:mm"
                      style={{ width: '100%' }}
                      disabledDate={(d) => d.isAfter(dayjs(), 'day') || d.isBefore(EARLIEST_RECEIPT_DATE, 'day')}
                    />
                  </Form.Item>
                </Col>
              </Row>

              <Form.List name="petitioners">
                {(fields, { add, remove }) => (
                  <>
                    {fields.map((f, i) => (
                      <fieldset key={f.key} className="petitioner">
                        <legend>{fields.length > 1 ? `信访人 ${i + 1}` : '信访人'}</legend>
                        <Row gutter={16}>
                          <Col span={12}>
                            <Form.Item label="信访人姓名" name={[f.name, 'name']} rules={[{ required: true, whitespace: true, message: '请输入信访人姓名' }]}>
                              <Input autoComplete="off" />
                            </Form.Item>
                          </Col>
                          <Col span={12}>
                            <Form.Item label="身份证号" name={[f.name, 'idNumber']} rules={[idNumberRule]} validateTrigger="onBlur">
                              <Input autoComplete="off" maxLength={18} />
                            </Form.Item>
                          </Col>
                          <Col span={12}>
                            <Form.Item label="联系电话" name={[f.name, 'phone']} rules={[phoneRule]} validateTrigger="onBlur">
                              <Input autoComplete="off" inputMode="tel" />
                            </Form.Item>
                          </Col>
                          <Col span={12}>
                            <Form.Item label="住址" name={[f.name, 'address']}>
                              <Input autoComplete="off" />
                            </Form.Item>
                          </Col>
                        </Row>
                        {fields.length > 1 && (
                          <Button size="small" onClick={() => remove(f.name)}>
                            移除信访人 {i + 1}
                          </Button>
                        )}
                      </fieldset>
                    ))}
                    <Space style={{ marginBottom: 16 }}>
                      <Button onClick={() => add({})}>添加信访人</Button>
                      <Typography.Text type="secondary">多人走访时逐一添加（代表不超过 5 人，第二十条）</Typography.Text>
                    </Space>
                  </>
                )}
              </Form.List>

              <Row gutter={16}>
                <Col span={8}>
                  <Form.Item label="人数" name="headcount" extra={`未填按信访人数计（${petitioners?.length ?? 1} 人）`}>
                    <InputNumber min={1} precision={0} style={{ width: '100%' }} />
                  </Form.Item>
                </Col>
                <Col span={8}>
                  <Form.Item label="信访目的" name="purpose" rules={[{ required: true, message: '请选择信访目的' }]}>
                    <Select showSearch optionFilterProp="label" options={options(PURPOSES)} />
                  </Form.Item>
                </Col>
                <Col span={8}>
                  <Form.Item label="内容分类" name="category" rules={[{ required: true, message: '请选择内容分类' }]}>
                    <Cascader
                      options={categoryOptions}
                      changeOnSelect
                      showSearch={{ filter: (input, path) => path.some((o) => String(o.label).includes(input)) }}
                      placeholder="一级 / 二级，可输入关键字查找"
                      loading={categories.isLoading}
                    />
                  </Form.Item>
                </Col>
              </Row>
              <Form.Item label="信访事项摘要" name="summary" rules={[{ required: true, whitespace: true, message: '请输入信访事项摘要' }]}>
                <Input maxLength={200} showCount />
              </Form.Item>
              <Form.Item label="主要诉求及事实" name="content" rules={[{ required: true, whitespace: true, message: '请输入主要诉求及事实' }]}>
                <Input.TextArea autoSize={{ minRows: 4, maxRows: 12 }} />
              </Form.Item>

              <fieldset className="assigned">
                <legend>上级交办（无则不填）</legend>
                <Row gutter={16}>
                  <Col span={8}>
                    <Form.Item label="交办机关" name={['assignedBy', 'authority']}>
                      <Select allowClear showSearch optionFilterProp="label" options={options(AUTHORITIES)} />
                    </Form.Item>
                  </Col>
                  <Col span={8}>
                    <Form.Item label="交办文号" name={['assignedBy', 'reference']} rules={[{ required: !!authority, whitespace: true, message: '上级交办须填写交办文号' }]}>
                      <Input />
                    </Form.Item>
                  </Col>
                  <Col span={8}>
                    <Form.Item label="反馈期限" name={['assignedBy', 'feedbackDueAt']}>
                      <DatePicker style={{ width: '100%' }} />
                    </Form.Item>
                  </Col>
                </Row>
                <Form.Item name="backlog" valuePropName="checked">
                  <Checkbox>积案</Checkbox>
                </Form.Item>
              </fieldset>

              <Form.Item label="接访活动" name="receptionSessionId" extra="领导接访日、约访、专访时选择">
                <Select
                  allowClear
                  loading={sessions.isLoading}
                  options={(sessions.data ?? []).map((s) => ({ value: s.id, label: `${s.date} ${label(SESSION_KINDS, s.kind)} · ${s.leader}` }))}
                  notFoundContent="近期没有接访活动"
                />
              </Form.Item>

              {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
              <Button type="primary" htmlType="submit" size="large" loading={busy}>
                登记
              </Button>
            </Form>
          </Card>
        </Col>
        <Col xs={24} lg={9}>
          <Panel title="该信访人的信访记录">
            {!key ? (
              <Typography.Text type="secondary">输入身份证号，或姓名和联系电话后显示此人以往和在办的信访事项。</Typography.Text>
            ) : history.isLoading ? (
              <Typography.Text type="secondary">查询中…</Typography.Text>
            ) : history.isError ? (
              <Alert type="error" title={errorText(history.error)} />
            ) : !history.data?.items.length ? (
              <Empty description="没有此人的信访记录（初次信访）" />
            ) : (
              <List
                size="small"
                dataSource={history.data.items}
                renderItem={(c) => {
                  const open = OPEN.includes(c.status);
                  const same = open && petitioners && form.getFieldValue('category')?.[0] && c.category.split('.')[0] === form.getFieldValue('category')[0];
                  return (
                    <List.Item>
                      <div>
                        <Space wrap>
                          <Link to={`/cases/${c.id}`}>{c.trackingNo}</Link>
                          <Tag color={open ? 'blue' : 'default'}>{label(STATUSES, c.status)}</Tag>
                          {same && <Tag color="orange">同类在办，登记将计为重复信访</Tag>}
                        </Space>
                        <div>{c.summary}</div>
                        <Typography.Text type="secondary">
                          {formatDate(c.receivedAt)} · {categoryName(c.category)}
                        </Typography.Text>
                      </div>
                    </List.Item>
                  );
                }}
              />
            )}
            {history.data && history.data.items.length > 0 && (
              <Typography.Text type="secondary">
                共 {history.data.total} 件，在办 {history.data.items.filter((c) => OPEN.includes(c.status)).length} 件；最近 {formatTime(history.data.items[0]?.receivedAt)}
              </Typography.Text>
            )}
          </Panel>
        </Col>
      </Row>
    </div>
  );
}
