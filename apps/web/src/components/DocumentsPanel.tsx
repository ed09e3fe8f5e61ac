import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Spin, Typography } from 'antd';
import { download, get, getText } from '../api';
import { errorText } from '../form-errors';
import { formatTime } from '../labels';
import { DocumentServe, SERVICE_METHODS } from './DocumentServe';
import { Panel } from './Panel';

/** A document the case's history gives rise to (GET /petitions/{id}/documents). */
export interface DocumentItem {
  kind: string;
  title: string;
  number: string | null;
  renderings: number;
  lastRenderedAt: string | null;
  /** Once marked served on the petitioner (已送达). */
  served?: { on: string; method: string; methodName: string; by: string | null; at: string } | null;
}

/** The documents' names, for the timeline's 出具文书 entries. */
export const DOCUMENT_TITLES: Record<string, string> = {
  receipt: '信访事项登记回执',
  'acceptance-notice': '信访事项受理告知书',
  'decline-notice': '信访事项不予受理告知书',
  'no-further-acceptance-notice': '信访事项不再受理告知书',
  'extension-notice': '信访事项延期办理告知书',
  'handling-opinion': '信访事项处理意见书',
  'review-opinion': '信访事项复查意见书',
  're-review-opinion': '信访事项复核意见书',
  'supervision-order': '信访事项督办单',
};

/** A document rendering on the timeline: "信访事项处理意见书〔2024〕3号 · Word". */
export function documentRenderedText(d: Record<string, unknown>): string {
  const title = DOCUMENT_TITLES[String(d.kind ?? '')] ?? String(d.kind ?? '');
  return `${title}${d.number ? String(d.number) : ''} · ${d.format === 'docx' ? 'Word' : '打印页面'}`;
}

/** A document served, on the timeline: "信访事项受理告知书〔2024〕3号 · 2024-08-06 邮寄送达". */
export function documentServedText(d: Record<string, unknown>): string {
  const title = DOCUMENT_TITLES[String(d.kind ?? '')] ?? String(d.kind ?? '');
  return `${title}${d.number ? String(d.number) : ''} · ${String(d.servedOn ?? '')} ${SERVICE_METHODS[String(d.method ?? '')] ?? String(d.method ?? '')}`;
}

/**
 * 文书: the documents the case has given rise to, each with 下载 Word (the .docx) and 打印 (the
 * print page in a new tab). Both are fetched with the session's token (the API has no cookie),
 * then handed to the browser; each rendering shows on the timeline. Once rendered, staff who act on
 * the case record it 已送达 (the day and the way); the list then says so.
 */
export function DocumentsPanel({ caseId, trackingNo, version, canServe }: { caseId: string; trackingNo: string; version: number; canServe: boolean }) {
  const { message } = App.useApp();
  const queries = useQueryClient();
  const [busy, setBusy] = useState<string | null>(null);
  // `version` (the timeline's length) follows the case: an action that gives rise to a document lists it.
  const q = useQuery({ queryKey: ['documents', caseId, version], queryFn: () => get<{ items: DocumentItem[] }>(`/petitions/${caseId}/documents`) });
  const path = (kind: string) => `/petitions/${caseId}/documents/${kind}`;

  async function run(key: string, work: () => Promise<void>) {
    setBusy(key);
    try {
      await work();
    } catch (e) {
      message.error(errorText(e));
    } finally {
      setBusy(null);
      // the rendering is on the timeline now, and the number in the list
      void queries.invalidateQueries({ queryKey: ['case', caseId] });
      void queries.invalidateQueries({ queryKey: ['documents', caseId] });
    }
  }

  const downloadWord = (d: DocumentItem) => run(`${d.kind}:docx`, () => download(path(d.kind), { format: 'docx' }, `${d.title}-${trackingNo}.docx`));

  const print = (d: DocumentItem) =>
    run(`${d.kind}:html`, async () => {
      // The tab opens on the click (a tab opened later would be a blocked pop-up); the page follows.
      const tab = window.open('', '_blank');
      try {
        const html = await getText(path(d.kind), { format: 'html' });
        const url = URL.createObjectURL(new Blob([html], { type: 'text/html;charset=utf-8' }));
        if (tab) tab.location.href = url;
        else if (!window.open(url, '_blank')) message.warning('浏览器拦截了新窗口，请允许本站弹出窗口后再点击「打印」');
        setTimeout(() => URL.revokeObjectURL(url), 60_000);
      } catch (e) {
        tab?.close();
        throw e;
      }
    });

  return (
    <Panel title="文书">
      {q.isLoading ? (
        <Spin />
      ) : q.isError ? (
        <Alert type="error" title={errorText(q.error)} />
      ) : q.data!.items.length ? (
        <ul className="document-list" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
          {q.data!.items.map((d) => (
            <li key={d.kind} style={{ padding: '6px 0', borderBottom: '1px solid #f0f0f0' }}>
              {/* The buttons keep their own names (下载 Word, 打印); the group says which document: the case page's action names (受理, 延期…) stay unique. */}
              <div role="group" aria-label={d.title} style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', justifyContent: 'space-between', gap: 8 }}>
                <div>
                  <Typography.Text strong>{d.title}</Typography.Text>
                  <div className="muted">{d.number ? `${d.number} · 已出具 ${d.renderings} 次，最近 ${formatTime(d.lastRenderedAt)}` : '尚未出具（首次出具时编号）'}</div>
                  {d.served ? (
                    <div className="document-served">
                      已送达：{d.served.on}，{d.served.methodName}
                    </div>
                  ) : d.number && d.kind === 'acceptance-notice' ? (
                    <div className="muted">尚未登记送达（告知受理期限以送达为准）</div>
                  ) : null}
                </div>
                <div>
                  <Button type="link" size="small" loading={busy === `${d.kind}:docx`} onClick={() => void downloadWord(d)}>
                    下载 Word
                  </Button>
                  <Button type="link" size="small" loading={busy === `${d.kind}:html`} onClick={() => void print(d)}>
                    打印
                  </Button>
                  {canServe && d.number && !d.served && <DocumentServe caseId={caseId} kind={d.kind} title={d.title} />}
                </div>
              </div>
            </li>
          ))}
        </ul>
      ) : (
        <span className="muted">暂无文书</span>
      )}
    </Panel>
  );
}
