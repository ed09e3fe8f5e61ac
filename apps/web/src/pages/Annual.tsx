import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, InputNumber, Space, Spin, Typography } from 'antd';
import { download, getText } from '../api';
import { errorText } from '../form-errors';

/** 年度报告 (Art. 41): the text as the API writes it, and its Excel. */
export default function AnnualPage() {
  const [params, setParams] = useSearchParams();
  const year = Number(params.get('year') ?? new Date().getFullYear());
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const text = useQuery({ queryKey: ['annual', year], queryFn: () => getText('/reports/annual', { year, format: 'text' }) });
  return (
    <div className="page">
      <Typography.Title level={1} className="page-title">
        年度报告
      </Typography.Title>
      <Space style={{ marginBottom: 16 }} wrap>
        <Link to="/dashboard">返回领导驾驶舱</Link>
        <Form.Item label="年度" htmlFor="annual-year" style={{ margin: 0 }}>
          <InputNumber id="annual-year" min={2000} max={2100} value={year} onChange={(v) => v && setParams({ year: String(v) })} />
        </Form.Item>
        <Button
          type="primary"
          loading={busy}
          onClick={async () => {
            setBusy(true);
            try {
              await download('/reports/annual', { year, format: 'xlsx' }, `信访工作年度报告-${year}.xlsx`);
            } catch (e) {
              message.error(errorText(e));
            } finally {
              setBusy(false);
            }
          }}
        >
          下载 Excel
        </Button>
      </Space>
      <Card>{text.isLoading ? <Spin /> : text.isError ? <Alert type="error" title={errorText(text.error)} /> : <pre className="annual-text">{text.data}</pre>}</Card>
    </div>
  );
}
