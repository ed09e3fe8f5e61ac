import { useRef, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Input, Space, Table, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { ApiError, get, post } from '../api';
import { errorText } from '../form-errors';
import { DEADLINE_KINDS, formatTime, label } from '../labels';

/** What a load changed (the deadline service's answer). */
export interface CalendarLoadResult {
  computed: number;
  moved: number;
  timersArmed: number;
  casesRecomputed: number;
  cases: { caseId: string; deadlines: { kind: string; change: 'computed' | 'moved'; lastDay: string; previousLastDay: string | null }[] }[];
  moreCases: number;
  failed: number;
  daysChanged: number;
}

export interface CalendarYear {
  year: number;
  source: 'bundled' | 'file' | 'uploaded';
  notice: string | null;
  holidays: string[];
  workdays: string[];
  loadedBy: string | null;
  loadedAt: string | null;
  result: CalendarLoadResult | null;
}

const SOURCES: Record<CalendarYear['source'], { text: string; color: string }> = {
  bundled: { text: '内置', color: 'default' },
  file: { text: '配置文件', color: 'blue' },
  uploaded: { text: '上传', color: 'green' },
};

/** "2 个期限得以计算，1 个期限调整" — what a load changed, in a clerk's words. */
export function resultText(r: CalendarLoadResult | null): string {
  if (!r) return '期限重算中';
  if (!r.computed && !r.moved) return '没有期限因此变化';
  return [r.computed ? `${r.computed} 个期限得以计算` : '', r.moved ? `${r.moved} 个期限调整` : ''].filter(Boolean).join('，') + `（涉及 ${r.cases.length + r.moreCases} 件信访事项）`;
}

type Outcome = { ok: true; year: CalendarYear } | { ok: false; message: string; problems: { field: string; messages: string[] }[] };

/**
 * 节假日安排: the holiday calendar's years (where each comes from, who uploaded it and when, what
 * it changed) and the upload of a year's State Council notice (a JSON file or pasted text),
 * applied at once: the answer says how many deadlines were computed or moved, and which cases.
 */
export default function HolidayCalendarTab() {
  const queries = useQueryClient();
  const years = useQuery({ queryKey: ['calendar'], queryFn: () => get<{ items: CalendarYear[]; years: number[] }>('/admin/calendar') });
  const [text, setText] = useState('');
  const [fileName, setFileName] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const chooseFile = async (file: File | undefined) => {
    if (!file) return;
    setFileName(file.name);
    setOutcome(null);
    setText(await file.text());
  };

  const upload = async () => {
    setOutcome(null);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (e) {
      setOutcome({ ok: false, message: `内容不是有效的 JSON：${(e as Error).message}`, problems: [] });
      return;
    }
    setBusy(true);
    try {
      const { data } = await post<CalendarYear>('/admin/calendar', body);
      setOutcome({ ok: true, year: data });
      setText('');
      setFileName(null);
    } catch (e) {
      setOutcome({ ok: false, message: errorText(e), problems: e instanceof ApiError ? e.details : [] });
    } finally {
      setBusy(false);
      void queries.invalidateQueries({ queryKey: ['calendar'] });
      void queries.invalidateQueries({ queryKey: ['security-events'] });
    }
  };

  const items = [...(years.data?.items ?? [])].sort((a, b) => b.year - a.year);
  return (
    <div>
      <Typography.Paragraph type="secondary">
        期限按国务院办公厅每年发布的部分节假日安排通知计算。尚未收录通知的年份，只能确定法定节假日本身，节日前后的日期要等通知发布后才能确定：受这些日期影响的期限暂不计算。新一年的通知发布后，在此上传，立即对所有服务生效，无需重启；此前暂不计算的期限随即算出，因通知而变化的期限重新计算，并记入案件的办理过程。
      </Typography.Paragraph>
      <Card title="上传节假日安排" size="small" style={{ marginBottom: 16 }}>
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Typography.Text type="secondary">
            一次上传一个年度：{'{"year": 2027, "holidays": [放假日期…], "workdays": [调休上班日期…], "notice": "通知名称"}'}，或 npm run admin -- calendar export
            导出的文件格式中只含一个年度。放假日期包括与周末连休的日子，每个日期列在其所在的年份下。
          </Typography.Text>
          <Space>
            <input ref={fileInput} type="file" accept=".json,application/json" aria-label="选择 JSON 文件" style={{ display: 'none' }} onChange={(e) => void chooseFile(e.target.files?.[0])} />
            <Button onClick={() => fileInput.current?.click()}>选择 JSON 文件</Button>
            <Typography.Text>{fileName ? `已选择：${fileName}` : '或在下方粘贴内容'}</Typography.Text>
          </Space>
          <Input.TextArea
            aria-label="节假日安排（JSON）"
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              setFileName(null);
            }}
            autoSize={{ minRows: 4, maxRows: 12 }}
            placeholder='{"year": 2027, "holidays": ["2027-01-01", …], "workdays": […], "notice": "国务院办公厅关于2027年部分节假日安排的通知"}'
            style={{ fontFamily: 'monospace' }}
          />
          <Button type="primary" loading={busy} disabled={!text.trim()} onClick={() => void upload()}>
            检查并加载
          </Button>
          {outcome?.ok === true && (
            <section aria-label="加载结果">
              <Alert type="success" showIcon role="status" title={`${outcome.year.year} 年节假日安排已加载，立即生效：${resultText(outcome.year.result)}`} />
              <ChangedCases result={outcome.year.result} />
            </section>
          )}
          {outcome?.ok === false && (
            <Alert
              type="error"
              showIcon
              role="alert"
              title="未加载，未作任何更改"
              description={
                outcome.problems.length ? (
                  <ul style={{ margin: 0, paddingLeft: 20 }}>
                    {outcome.problems.map((p, i) => (
                      <li key={i}>
                        {p.field}：{p.messages.join('；')}
                      </li>
                    ))}
                  </ul>
                ) : (
                  outcome.message
                )
              }
            />
          )}
        </Space>
      </Card>
      <Table<CalendarYear>
        rowKey="year"
        size="small"
        loading={years.isLoading}
        dataSource={items}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        expandable={{ expandedRowRender: (y) => <YearDays y={y} />, expandRowByClick: false }}
        columns={[
          { title: '年度', dataIndex: 'year' },
          { title: '来源', dataIndex: 'source', render: (s: CalendarYear['source']) => <Tag color={SOURCES[s].color}>{SOURCES[s].text}</Tag> },
          { title: '通知', dataIndex: 'notice', render: (n: string | null) => n ?? '—' },
          { title: '放假', key: 'holidays', render: (_: unknown, y) => <span style={{ whiteSpace: 'nowrap' }}>{y.holidays.length} 天</span> },
          { title: <span style={{ whiteSpace: 'nowrap' }}>调休上班</span>, key: 'workdays', render: (_: unknown, y) => <span style={{ whiteSpace: 'nowrap' }}>{y.workdays.length} 天</span> },
          { title: <span style={{ whiteSpace: 'nowrap' }}>加载人</span>, dataIndex: 'loadedBy', render: (x: string | null) => x ?? '—' },
          { title: '加载时间', dataIndex: 'loadedAt', render: formatTime },
          { title: '期限变化', key: 'result', render: (_: unknown, y) => (y.source === 'uploaded' ? resultText(y.result) : '—') },
        ]}
      />
      {years.isError && <Alert type="error" showIcon role="alert" title={errorText(years.error)} />}
    </div>
  );
}

function ChangedCases({ result }: { result: CalendarLoadResult | null }) {
  if (!result?.cases.length) return null;
  return (
    <ul style={{ margin: '8px 0 0', paddingLeft: 20 }}>
      {result.cases.map((c) => (
        <li key={c.caseId}>
          <Link to={`/cases/${c.caseId}`} style={{ textDecoration: 'underline' }}>
            信访事项 …{c.caseId.slice(-8)}
          </Link>
          ：
          {c.deadlines
            .map((d) =>
              d.change === 'computed'
                ? `${label(DEADLINE_KINDS, d.kind)}：此前暂不计算，最后一日为 ${d.lastDay}`
                : `${label(DEADLINE_KINDS, d.kind)}：最后一日由 ${d.previousLastDay} 调整为 ${d.lastDay}`,
            )
            .join('；')}
        </li>
      ))}
      {result.moreCases > 0 && <li>另有 {result.moreCases} 件未列出</li>}
    </ul>
  );
}

function YearDays({ y }: { y: CalendarYear }) {
  return (
    <Space orientation="vertical" size={4}>
      <Typography.Text>放假：{y.holidays.join('、') || '—'}</Typography.Text>
      <Typography.Text>调休上班：{y.workdays.join('、') || '—'}</Typography.Text>
    </Space>
  );
}
