import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Modal, Typography } from 'antd';
import { post } from '../api';
import { errorText } from '../form-errors';

/**
 * 重新生成查询码: for the petitioner who lost the receipt's query code (reception, office). The
 * new code is shown once, here; the old one stops working at once (the API's
 * POST /petitions/{id}/query-code, on the timeline and in the security log).
 */
export function QueryCodeReissue({ caseId, trackingNo }: { caseId: string; trackingNo: string }) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [code, setCode] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const qc = useQueryClient();
  const close = () => {
    setOpen(false);
    setCode(null);
    setError(null);
  };
  const issue = async () => {
    setBusy(true);
    setError(null);
    try {
      const res = await post<{ queryCode?: string | null }>(`/petitions/${caseId}/query-code`);
      setCode(res.data.queryCode ?? null);
      void qc.invalidateQueries({ queryKey: ['case', caseId] });
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button onClick={() => setOpen(true)}>重新生成查询码</Button>
      <Modal
        title="重新生成查询码"
        open={open}
        onCancel={close}
        footer={
          code
            ? [
                <Button key="close" type="primary" onClick={close}>
                  完成
                </Button>,
              ]
            : [
                <Button key="cancel" onClick={close}>
                  取消
                </Button>,
                <Button key="ok" type="primary" loading={busy} onClick={() => void issue()}>
                  确定
                </Button>,
              ]
        }
      >
        {code ? (
          <div>
            <Typography.Paragraph>信访编号 {trackingNo} 的新查询码：</Typography.Paragraph>
            <Typography.Paragraph className="reissued-code" strong copyable style={{ fontSize: 28, letterSpacing: 4 }}>
              {code}
            </Typography.Paragraph>
            <Typography.Paragraph>请当面告知信访人，原查询码已失效。信访人可在“信访查询”页面凭信访编号和新查询码查询办理进展、评价和申请复查。</Typography.Paragraph>
          </div>
        ) : (
          <Typography.Paragraph>信访人遗失查询码时使用：生成新的查询码后，原查询码立即失效；此操作记入办理过程和安全日志。</Typography.Paragraph>
        )}
        {error && <Alert type="error" showIcon title={error} />}
      </Modal>
    </>
  );
}
