import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, DatePicker, Form, Modal, Select, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { isPendingView, post } from '../api';
import { errorText, showFieldErrors } from '../form-errors';

/** How a document reached the petitioner (the API's `method`). */
export const SERVICE_METHODS: Record<string, string> = { 'in-person': '直接送达', post: '邮寄送达', electronic: '电子送达', left: '留置送达' };

/** What the law counts from the day served (the dialog says it). */
const SERVICE_COUNTS: Record<string, string> = {
  'acceptance-notice': '告知受理期限以送达日期为准：责任单位应在收到转送、交办之日起 15 日内书面告知信访人（第二十三条）。',
  'handling-opinion': '申请复查期限自信访人收到处理意见书之日起计算，30 日内可请求复查（第三十五条）。',
  'review-opinion': '申请复核期限自信访人收到复查意见书之日起计算，30 日内可请求复核（第三十六条）。',
};

/**
 * 已送达: the office or the unit records that a rendered document reached the petitioner — the day
 * and the way (POST /petitions/{id}/documents/{kind}/served). For the 受理告知书 that is what meets
 * the deadline to tell the petitioner (第二十三条), for the 处理意见书 / 复查意见书 the day the window to
 * ask for review / re-review runs from (第三十五、三十六条), so the dialog says so.
 */
export function DocumentServe({ caseId, kind, title }: { caseId: string; kind: string; title: string }) {
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<{ servedOn: Dayjs; method: string }>();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const close = () => {
    setOpen(false);
    setError(null);
    form.resetFields();
  };
  const submit = async () => {
    const v = await form.validateFields();
    setBusy(true);
    setError(null);
    try {
      const res = await post(`/petitions/${caseId}/documents/${kind}/served`, { servedOn: v.servedOn.format('YYYY-MM-DD'), method: v.method });
      message.success(isPendingView(res) ? '已登记送达，案件视图稍后更新' : `已登记「${title}」送达`);
      close();
    } catch (e) {
      const rest = showFieldErrors(form, e, (name) => name[0] === 'servedOn' || name[0] === 'method');
      setError(rest.length ? rest.join('；') : errorText(e));
    } finally {
      setBusy(false);
      void qc.invalidateQueries({ queryKey: ['case', caseId] });
      void qc.invalidateQueries({ queryKey: ['documents', caseId] });
    }
  };
  return (
    <>
      <Button type="link" size="small" onClick={() => setOpen(true)}>
        已送达
      </Button>
      <Modal
        title={`登记送达：${title}`}
        open={open}
        onCancel={close}
        footer={[
          <Button key="cancel" onClick={close}>
            取消
          </Button>,
          <Button key="ok" type="primary" loading={busy} onClick={() => void submit()}>
            确定
          </Button>,
        ]}
      >
        {SERVICE_COUNTS[kind] && <Typography.Paragraph className="muted">{SERVICE_COUNTS[kind]}</Typography.Paragraph>}
        <Form form={form} layout="vertical" initialValues={{ servedOn: dayjs(), method: 'in-person' }}>
          <Form.Item label="送达日期" name="servedOn" rules={[{ required: true, message: '请选择送达日期' }]}>
            <DatePicker style={{ width: '100%' }} disabledDate={(d) => d.isAfter(dayjs(), 'day')} />
          </Form.Item>
          <Form.Item label="送达方式" name="method" rules={[{ required: true, message: '请选择送达方式' }]}>
            <Select options={Object.entries(SERVICE_METHODS).map(([value, label]) => ({ value, label }))} />
          </Form.Item>
        </Form>
        {error && <Alert type="error" showIcon title={error} />}
      </Modal>
    </>
  );
}
