import { useEffect, useState, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, DatePicker, Form, Input, InputNumber, Modal, Select, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { ApiError, get, isPendingView, post, type CaseView, type PendingView, type Preview } from '../api';
import { errorText, showFieldErrors } from '../form-errors';
import { CLOSURE_KINDS, DECLINE_REASONS, OUTCOMES, PROCEDURES, RATINGS, options } from '../labels';
import { useUnits } from '../queries';

/** What each button sends: the API action, the dialog's title and fields. */
export interface ActionSpec {
  /** the API path segment (route for both 转送 and 交办) */
  action: string;
  title: string;
  mode?: 'transfer' | 'assign';
  fields?: (f: { days?: number }) => ReactNode;
  /** form values → request body */
  body?: (v: Record<string, unknown>) => Record<string, unknown>;
  danger?: boolean;
}

const req = (msg: string) => [{ required: true, whitespace: true, message: msg }];
const reqSel = (msg: string) => [{ required: true, message: msg }];

const OpinionFields = () => (
  <>
    <Form.Item label="办结类型" name="kind" rules={reqSel('请选择办结类型')}>
      <Select showSearch optionFilterProp="label" options={options(CLOSURE_KINDS)} />
    </Form.Item>
    <Form.Item label="处理结果" name="outcome" rules={reqSel('请选择处理结果')}>
      <Select showSearch optionFilterProp="label" options={options(OUTCOMES)} />
    </Form.Item>
    <Form.Item label="处理意见" name="opinion" rules={req('请输入处理意见')}>
      <Input.TextArea autoSize={{ minRows: 4, maxRows: 10 }} />
    </Form.Item>
  </>
);

function UnitField() {
  const units = useUnits();
  return (
    <Form.Item label="责任单位" name="unitCode" rules={reqSel('请选择责任单位')}>
      <Select showSearch optionFilterProp="label" loading={units.isLoading} options={(units.data ?? []).map((u) => ({ value: u.code, label: u.name }))} />
    </Form.Item>
  );
}

const dateOf = (d: unknown) => (d ? (d as Dayjs).format('YYYY-MM-DD') : undefined);

/** Every action of the case page (ui.md), in the order the buttons appear. */
export const ACTIONS: Record<string, ActionSpec[]> = {
  route: [
    { action: 'route', title: '转送', mode: 'transfer', fields: () => <UnitField />, body: (v) => ({ mode: 'transfer', unitCode: v.unitCode }) },
    {
      action: 'route',
      title: '交办',
      mode: 'assign',
      fields: () => (
        <>
          <UnitField />
          <Form.Item label="反馈期限" name="feedbackDueAt" extra="责任单位报送办理结果的日期（第二十二条）">
            <DatePicker style={{ width: '100%' }} />
          </Form.Item>
        </>
      ),
      body: (v) => ({ mode: 'assign', unitCode: v.unitCode, ...(v.feedbackDueAt ? { feedbackDueAt: dateOf(v.feedbackDueAt) } : {}) }),
    },
  ],
  accept: [{ action: 'accept', title: '受理' }],
  decline: [
    {
      action: 'decline',
      title: '不予受理',
      danger: true,
      fields: () => (
        <>
          <Form.Item label="不予受理理由" name="reason" rules={reqSel('请选择理由')}>
            <Select options={options(DECLINE_REASONS)} />
          </Form.Item>
          <Form.Item label="说明" name="note">
            <Input.TextArea autoSize={{ minRows: 2 }} />
          </Form.Item>
        </>
      ),
    },
  ],
  divert: [
    {
      action: 'divert',
      title: '导入相应程序',
      fields: () => (
        <>
          <Form.Item label="相应程序" name="procedure" rules={reqSel('请选择程序')}>
            <Select options={options(PROCEDURES)} />
          </Form.Item>
          <Form.Item label="说明" name="note">
            <Input.TextArea autoSize={{ minRows: 2 }} />
          </Form.Item>
        </>
      ),
    },
  ],
  object: [
    {
      action: 'object',
      title: '退回',
      fields: () => (
        <Form.Item label="退回理由" name="reason" rules={req('请说明转送错误的理由')} extra="认为不属于本单位职责的，应在收到之日起 5 个工作日内提出异议（第二十三条第三款）">
          <Input.TextArea autoSize={{ minRows: 3 }} />
        </Form.Item>
      ),
    },
  ],
  extend: [
    {
      action: 'extend',
      title: '延期',
      fields: () => (
        <>
          <Form.Item label="延期天数" name="days" rules={reqSel('请输入延期天数')} extra="延期合计不得超过 30 日（第三十四条）">
            <InputNumber min={1} max={30} precision={0} style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item label="延期理由" name="reason" rules={req('请输入延期理由（将告知信访人）')}>
            <Input.TextArea autoSize={{ minRows: 2 }} />
          </Form.Item>
          <Form.Item label="批准人" name="approvedBy" rules={req('请输入批准延期的单位负责人')}>
            <Input />
          </Form.Item>
        </>
      ),
    },
  ],
  close: [{ action: 'close', title: '办结', fields: () => <OpinionFields /> }],
  evaluate: [
    {
      action: 'evaluate',
      title: '满意度评价',
      fields: () => (
        <Form.Item label="评价结果" name="rating" rules={reqSel('请选择信访人的评价')}>
          <Select options={options(RATINGS)} />
        </Form.Item>
      ),
    },
  ],
  'review-request': [{ action: 'review-request', title: '申请复查' }],
  'review-opinion': [{ action: 'review-opinion', title: '复查意见', fields: () => <OpinionFields /> }],
  're-review-request': [{ action: 're-review-request', title: '申请复核' }],
  're-review-opinion': [
    {
      action: 're-review-opinion',
      title: '复核意见',
      fields: () => (
        <>
          <OpinionFields />
          <Form.Item label="听证天数" name="hearingDays" extra="举行听证的，听证时间不计入复核期限（第三十六条）">
            <InputNumber min={0} max={365} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        </>
      ),
    },
  ],
  supervise: [
    {
      action: 'supervise',
      title: '督办',
      fields: () => (
        <Form.Item label="督办意见" name="note" rules={req('请输入督办意见')}>
          <Input.TextArea autoSize={{ minRows: 3 }} />
        </Form.Item>
      ),
    },
  ],
};

/**
 * One dialog for every action: what it does to the deadlines (from the API's preview, never
 * computed here), the fields, 确定. An API error stays in the dialog; what was typed stays too.
 */
export function ActionDialog({ caseId, spec, open, onClose, onDone }: { caseId: string; spec: ActionSpec | null; open: boolean; onClose(): void; onDone(view: CaseView | null): void }) {
  const [form] = Form.useForm();
  const { message } = App.useApp();
  const queries = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const days = Form.useWatch('days', form) as number | undefined;

  useEffect(() => {
    if (open) setError(null);
  }, [open, spec]);

  const preview = useQuery({
    queryKey: ['preview', caseId, spec?.action, spec?.mode, spec?.action === 'extend' ? days : null],
    queryFn: () => get<Preview>(`/petitions/${caseId}/preview`, { action: spec!.action, mode: spec?.mode, ...(spec?.action === 'extend' && days ? { days } : {}) }),
    enabled: open && !!spec,
    retry: false,
  });

  const submit = async () => {
    if (!spec) return;
    let values: Record<string, unknown>;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const body = spec.body ? spec.body(values) : Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== null && v !== ''));
      const res = await post<CaseView | PendingView>(`/petitions/${caseId}/${spec.action}`, body);
      // 202: saved, the case view follows (the read model lags): refetch instead of showing it now.
      const pending = isPendingView(res);
      if (pending) void queries.invalidateQueries({ queryKey: ['case', caseId] });
      else queries.setQueryData(['case', caseId], res.data);
      void queries.invalidateQueries({ queryKey: ['cases'] });
      void queries.invalidateQueries({ queryKey: ['backlog'] });
      void queries.invalidateQueries({ queryKey: ['summary'] });
      form.resetFields();
      if (pending) message.info(`${spec.title}：${res.data.message}`);
      else message.success(`${spec.title}成功`);
      onDone(pending ? null : (res.data as CaseView));
    } catch (e) {
      const rest = showFieldErrors(form, e);
      setError(e instanceof ApiError && e.details.length && !rest.length ? '请按提示修改标红的内容。' : [errorText(e), ...rest].join(' '));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      title={spec?.title}
      open={open}
      onOk={submit}
      onCancel={onClose}
      okText="确定"
      cancelText="取消"
      confirmLoading={busy}
      okButtonProps={{ danger: spec?.danger }}
      destroyOnHidden={false}
      width={560}
    >
      <div className="effect" aria-live="polite">
        {preview.data ? (
          <Alert type="info" showIcon title="对办理期限的影响" description={preview.data.effect} />
        ) : preview.isError && preview.error instanceof ApiError && [409, 422].includes(preview.error.status) ? (
          <Alert type="warning" showIcon title="按当前填写不能办理" description={preview.error.message} />
        ) : preview.isError ? (
          <Alert type="warning" showIcon title="暂时无法预览对办理期限的影响" description={errorText(preview.error)} />
        ) : (
          <Typography.Text type="secondary">正在计算对办理期限的影响…</Typography.Text>
        )}
      </div>
      {/* its own name: field ids (and so the labels' for=) stay unique with several dialogs on the page */}
      <Form form={form} name={`action-${spec?.action}-${spec?.mode ?? 'do'}`} layout="vertical" style={{ marginTop: 16 }} onFinish={submit}>
        {spec?.fields?.({ days })}
        {!spec?.fields && <Typography.Paragraph>点击「确定」后提交，案件状态随即更新。</Typography.Paragraph>}
      </Form>
      {error && <Alert type="error" showIcon role="alert" title={error} />}
    </Modal>
  );
}
