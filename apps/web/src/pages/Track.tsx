import { useState } from 'react';
import { Alert, Button, Descriptions, Form, Input, List, Modal, Radio, Tag, Timeline, Typography } from 'antd';
import { ApiError, postPublic, type PublicCaseView, type PublicOpinion } from '../api';
import { errorText, showFieldErrors } from '../form-errors';
import { formatDate, formatTime } from '../labels';
import { Panel } from '../components/Panel';

interface Receipt {
  trackingNo: string;
  queryCode: string;
}

const STATE_COLOR: Record<string, string> = {
  registered: 'blue',
  routed: 'blue',
  accepted: 'gold',
  closed: 'green',
  final: 'green',
  declined: 'red',
  diverted: 'purple',
  'under-review': 'gold',
  'under-re-review': 'gold',
};

/** What each request does, said before it is sent (the article and the period that follows). */
const REQUESTS: Record<'review-request' | 're-review-request', { title: string; effect: string }> = {
  'review-request': { title: '申请复查', effect: '对处理意见不服的，可以请求原办理机关的上一级机关复查。收到复查请求后，复查机关应在 30 日内提出复查意见（《信访工作条例》第三十五条）。' },
  're-review-request': {
    title: '申请复核',
    effect: '对复查意见不服的，可以请求复查机关的上一级机关复核。收到复核请求后，复核机关应在 30 日内提出复核意见；复核后不再受理（《信访工作条例》第三十六条）。',
  },
};

/**
 * 信访查询 (/track): the petitioner follows their case with the two values of the receipt, without
 * an account, and rates it or asks for review while they may. The code stays in this page's
 * memory only (never in the address, never stored): leaving the page forgets it.
 */
export function TrackPage() {
  const [form] = Form.useForm<Receipt>();
  const [receipt, setReceipt] = useState<Receipt | null>(null);
  const [view, setView] = useState<PublicCaseView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const lookUp = async (v: Receipt) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    const r = { trackingNo: v.trackingNo.trim(), queryCode: v.queryCode.trim() };
    try {
      const res = await postPublic<PublicCaseView>('/public/track', r);
      setReceipt(r);
      setView(res.data);
    } catch (e) {
      const rest = showFieldErrors(form, e);
      setError(e instanceof ApiError && e.details.length ? rest.join(' ') || null : errorText(e));
    } finally {
      setBusy(false);
    }
  };

  /** An act of the petitioner (/public/evaluate, /public/review-request, …): the answer is the case after it (202: saved, shown later). */
  const act = async (action: string, body: Record<string, unknown> = {}): Promise<void> => {
    const res = await postPublic<PublicCaseView | { message: string }>(`/public/${action}`, { ...receipt, ...body });
    if (res.status === 202) setNotice((res.data as { message: string }).message);
    else {
      setView(res.data as PublicCaseView);
      setNotice(null);
    }
  };

  const leave = () => {
    setView(null);
    setReceipt(null);
    setError(null);
    setNotice(null);
    form.resetFields();
  };

  return (
    <div className="page track-page">
      <Typography.Title level={1} className="page-title">
        信访查询
      </Typography.Title>
      {!view ? (
        <Panel title="查询办理情况">
          <Typography.Paragraph className="muted">请输入登记回执上的信访编号和查询码。查询码遗失的，请持身份证件到信访部门重新获取。</Typography.Paragraph>
          <Form<Receipt> form={form} name="track" layout="vertical" requiredMark={false} onFinish={lookUp} className="track-form">
            <Form.Item label="信访编号" name="trackingNo" rules={[{ required: true, whitespace: true, message: '请输入信访编号' }]}>
              <Input autoComplete="off" inputMode="text" autoCapitalize="characters" spellCheck={false} placeholder="如 XF20240918A1B2C3D4" />
            </Form.Item>
            <Form.Item label="查询码" name="queryCode" rules={[{ required: true, whitespace: true, message: '请输入查询码' }]}>
              <Input autoComplete="off" autoCapitalize="characters" spellCheck={false} maxLength={12} placeholder="6 位数字或字母" />
            </Form.Item>
            {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
            <Button type="primary" htmlType="submit" loading={busy} block>
              查询
            </Button>
          </Form>
        </Panel>
      ) : (
        <CaseForPetitioner view={view} notice={notice} act={act} leave={leave} />
      )}
    </div>
  );
}

function Opinion({ o }: { o: PublicOpinion }) {
  return (
    <div>
      <div className="muted">
        {formatTime(o.at)} · {o.kind}
        {o.outcome ? ` · ${o.outcome}` : ''}
      </div>
      <div className="pre">{o.opinion}</div>
    </div>
  );
}

function CaseForPetitioner({
  view: v,
  notice,
  act,
  leave,
}: {
  view: PublicCaseView;
  notice: string | null;
  act: (action: string, body?: Record<string, unknown>) => Promise<void>;
  leave: () => void;
}) {
  const evaluate = v.canDo.find((a) => a.action === 'evaluate');
  const requests = v.canDo.filter((a): a is typeof a & { action: 'review-request' | 're-review-request' } => a.action !== 'evaluate');
  return (
    <>
      {notice && <Alert type="success" showIcon role="status" title={notice} style={{ marginBottom: 16 }} />}
      <Panel title="办理情况" extra={<Button onClick={leave}>重新查询</Button>}>
        <div className="track-status">
          <Tag color={STATE_COLOR[v.status] ?? 'blue'}>{v.statusText}</Tag>
        </div>
        <Descriptions column={{ xs: 1, sm: 1, md: 2 }} size="small" className="track-facts">
          <Descriptions.Item label="信访编号">{v.trackingNo}</Descriptions.Item>
          <Descriptions.Item label="登记时间">
            {formatTime(v.receivedAt)}（{v.channel}）
          </Descriptions.Item>
          <Descriptions.Item label="信访事项" span={2}>
            {v.summary}
          </Descriptions.Item>
          <Descriptions.Item label="责任单位" span={2}>
            {v.unitName ?? '尚未确定（信访部门转送或交办后显示）'}
          </Descriptions.Item>
          {v.extension && (
            <Descriptions.Item label="延期" span={2}>
              {v.extension}
            </Descriptions.Item>
          )}
          {v.decline && (
            <Descriptions.Item label="不予受理" span={2}>
              {v.decline}
            </Descriptions.Item>
          )}
          {v.diversion && (
            <Descriptions.Item label="导入程序" span={2}>
              请通过{v.diversion}程序解决
            </Descriptions.Item>
          )}
          {v.evaluationState && (
            <Descriptions.Item label="满意度" span={2}>
              {v.evaluation ? `${v.evaluation.ratingText}（${formatTime(v.evaluation.at)}）` : v.evaluationState}
            </Descriptions.Item>
          )}
          {v.evaluation?.comment && (
            <Descriptions.Item label="评价意见" span={2}>
              <span className="pre">{v.evaluation.comment}</span>
            </Descriptions.Item>
          )}
        </Descriptions>
      </Panel>

      {(v.opinion || v.review || v.reReview) && (
        <Panel title="处理意见">
          {v.opinion && (
            <section className="track-opinion">
              <h3 className="track-subheading">信访处理意见</h3>
              <Opinion o={v.opinion} />
            </section>
          )}
          {v.review && (
            <section className="track-opinion">
              <h3 className="track-subheading">复查</h3>
              <div className="muted">{formatTime(v.review.requestedAt)} 申请复查</div>
              {v.review.opinion ? <Opinion o={v.review.opinion} /> : <div>复查意见尚未作出</div>}
            </section>
          )}
          {v.reReview && (
            <section className="track-opinion">
              <h3 className="track-subheading">复核</h3>
              <div className="muted">{formatTime(v.reReview.requestedAt)} 申请复核</div>
              {v.reReview.opinion ? <Opinion o={v.reReview.opinion} /> : <div>复核意见尚未作出</div>}
            </section>
          )}
        </Panel>
      )}

      {evaluate && <EvaluatePanel text={evaluate.text} onSend={(body) => act('evaluate', body)} />}
      {requests.map((r) => (
        <RequestPanel key={r.action} title={REQUESTS[r.action].title} text={r.text} effect={REQUESTS[r.action].effect} onSend={() => act(r.action)} />
      ))}

      <Panel title="办理过程">
        <Timeline
          items={v.steps.map((s) => ({
            children: (
              <div>
                <strong>{s.title}</strong> <span className="muted">{formatTime(s.at)}</span>
              </div>
            ),
          }))}
        />
      </Panel>

      <Panel title="办理期限">
        <List
          dataSource={v.deadlines}
          locale={{ emptyText: '暂无期限' }}
          renderItem={(d) => (
            <List.Item className="track-deadline">
              <div>
                <div>
                  <strong>{d.title}</strong>
                  <span className="track-due">{d.lastDay ? `${formatDate(d.lastDay)} 24:00 前` : '暂不能计算'}</span>
                  <Tag color={d.state === 'breached' ? 'red' : d.state === 'met' ? 'green' : 'blue'}>{d.stateText}</Tag>
                </div>
                <p className="basis">{d.basis}</p>
              </div>
            </List.Item>
          )}
        />
      </Panel>
    </>
  );
}

function EvaluatePanel({ text, onSend }: { text: string; onSend: (body: Record<string, unknown>) => Promise<void> }) {
  const [form] = Form.useForm<{ rating?: string; comment?: string }>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const send = async (v: { rating?: string; comment?: string }) => {
    setBusy(true);
    setError(null);
    try {
      await onSend({ rating: v.rating, ...(v.comment?.trim() ? { comment: v.comment.trim() } : {}) });
    } catch (e) {
      const rest = showFieldErrors(form, e);
      setError(e instanceof ApiError && e.details.length ? rest.join(' ') || null : errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Panel title="满意度评价">
      <Typography.Paragraph>{text}：请对本事项的办理情况作出评价（《信访工作条例》第二十一条），评价只能提交一次。</Typography.Paragraph>
      <Form form={form} name="evaluate" layout="vertical" requiredMark={false} onFinish={send}>
        <fieldset className="track-rating">
          <legend>满意度</legend>
          <Form.Item name="rating" rules={[{ required: true, message: '请选择满意度' }]}>
            <Radio.Group aria-label="满意度">
              <Radio value="satisfied">满意</Radio>
              <Radio value="basically-satisfied">基本满意</Radio>
              <Radio value="dissatisfied">不满意</Radio>
            </Radio.Group>
          </Form.Item>
        </fieldset>
        <Form.Item label="评价意见（选填）" name="comment" rules={[{ max: 500, message: '评价意见不得超过 500 字' }]}>
          <Input.TextArea rows={3} maxLength={500} showCount />
        </Form.Item>
        {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
        <Button type="primary" htmlType="submit" loading={busy}>
          提交评价
        </Button>
      </Form>
    </Panel>
  );
}

function RequestPanel({ title, text, effect, onSend }: { title: string; text: string; effect: string; onSend: () => Promise<void> }) {
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const send = async () => {
    setBusy(true);
    setError(null);
    try {
      await onSend();
      setOpen(false);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Panel title={title}>
      <Typography.Paragraph>{text}。</Typography.Paragraph>
      <Button type="primary" onClick={() => setOpen(true)}>
        {title}
      </Button>
      <Modal title={title} open={open} onCancel={() => setOpen(false)} okText="确定" cancelText="取消" onOk={send} confirmLoading={busy} destroyOnHidden>
        <p>{effect}</p>
        {error && <Alert type="error" showIcon role="alert" title={error} />}
      </Modal>
    </Panel>
  );
}
