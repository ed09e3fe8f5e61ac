import type { RegisteredCase } from '../api';
import { CHANNELS, formatTime, label } from '../labels';

/** Where the petitioner follows the case: this app's 信访查询 page. */
export const trackUrl = (): string => `${window.location.origin}/track`;

/** 登记回执: printed with the browser's print; the print stylesheet shows only this. */
export function Receipt({ view, categoryName, clerk }: { view: RegisteredCase; categoryName: string; clerk: string }) {
  const route = view.deadlines.find((d) => d.kind === 'route');
  return (
    <section className="receipt" aria-label="登记回执">
      <h2>信访事项登记回执</h2>
      <table>
        <tbody>
          <tr>
            <th>信访编号</th>
            <td className="receipt-no">{view.trackingNo}</td>
          </tr>
          {view.queryCode && (
            <tr>
              <th>查询码</th>
              <td className="receipt-no">{view.queryCode}</td>
            </tr>
          )}
          <tr>
            <th>登记时间</th>
            <td>{formatTime(view.receivedAt)}</td>
          </tr>
          <tr>
            <th>来源渠道</th>
            <td>{label(CHANNELS, view.channel)}</td>
          </tr>
          <tr>
            <th>信访人</th>
            <td>
              {view.petitioners.map((p) => p.name).join('、')}
              {view.headcount > 1 ? `（共 ${view.headcount} 人）` : ''}
            </td>
          </tr>
          <tr>
            <th>内容分类</th>
            <td>{categoryName}</td>
          </tr>
          <tr>
            <th>信访事项摘要</th>
            <td>{view.summary}</td>
          </tr>
          <tr>
            <th>办理去向</th>
            <td>
              {view.unitCode
                ? `已转送 ${view.unitCode}`
                : `信访部门将${route?.lastDay ? `于 ${route.lastDay} 前` : '在 15 日内'}转送或交办有权处理的机关、单位（《信访工作条例》第二十二条），责任单位确定后，由其在 15 日内告知您是否受理（第二十三条）。`}
            </td>
          </tr>
          <tr>
            <th>查询方式</th>
            <td>
              {view.queryCode
                ? `请妥善保管本回执。凭信访编号和查询码，可在“信访查询”页面（${trackUrl()}）查询办理进展和结果，办结后进行满意度评价或申请复查，无需注册账号（第二十一条）；也可向本信访部门查询。查询码只在本回执上出现，遗失的请持身份证件到信访部门重新获取。`
                : '请妥善保管本回执。凭信访编号可向本信访部门查询办理进展和结果；办结后可对办理情况进行满意度评价（第二十一条）。'}
            </td>
          </tr>
          <tr>
            <th>登记人</th>
            <td>{clerk}</td>
          </tr>
        </tbody>
      </table>
      <p className="receipt-foot">{'信访部门（盖章）\u3000\u3000\u3000\u3000\u3000\u3000\u3000\u3000\u3000\u3000年\u3000\u3000月\u3000\u3000日'}</p>
    </section>
  );
}
