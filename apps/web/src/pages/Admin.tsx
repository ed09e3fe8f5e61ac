import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Form, Input, Modal, Popconfirm, Row, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { ApiError, get, post, type AdminUser, type DeadLetter, type SecurityEvent, type Unit } from '../api';
import { useAuth } from '../auth';
import { errorText, showFieldErrors } from '../form-errors';
import { ROLES, TIMELINE, formatTime, options } from '../labels';
import { useUnitName, useUnits } from '../queries';
import HolidayCalendarTab from '../components/HolidayCalendarTab';

/** 重置密码: the admin types a temporary password; the user must change it at the next login. */
function ResetPasswordDialog({ user, onClose }: { user: AdminUser | null; onClose: () => void }) {
  const [form] = Form.useForm();
  const { message } = App.useApp();
  const queries = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (v: { password: string }) => {
    if (!user) return;
    setBusy(true);
    setError(null);
    try {
      await post(`/users/${encodeURIComponent(user.username)}/reset-password`, { password: v.password });
      message.success(`已重置 ${user.username} 的密码，请告知本人；其下次登录须先修改密码`);
      form.resetFields();
      void queries.invalidateQueries({ queryKey: ['users'] });
      onClose();
    } catch (e) {
      const rest = showFieldErrors(form, e, (n) => n[0] === 'password');
      if (rest.length || !(e instanceof ApiError && e.details.length)) setError([errorText(e), ...rest].join(' '));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open={!!user}
      title={`重置密码：${user?.displayName ?? ''}（${user?.username ?? ''}）`}
      okText="确定"
      cancelText="取消"
      confirmLoading={busy}
      onOk={() => form.submit()}
      onCancel={() => {
        form.resetFields();
        setError(null);
        onClose();
      }}
      destroyOnHidden
    >
      {/* its own field ids: the page's 新增用户 form has a "password" too */}
      <Form form={form} name="reset-password" layout="vertical" onFinish={submit} requiredMark={false}>
        <Form.Item label="临时密码" name="password" extra="至少 10 个字符，不能与用户名相同，不能是常见密码；用户下次登录须先修改" rules={[{ required: true, message: '请输入临时密码' }]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
      {error && <Alert type="error" showIcon role="alert" title={error} />}
    </Modal>
  );
}

/** 已停用 / 已锁定 / 须修改密码, as tags. */
function UserState({ u }: { u: AdminUser }) {
  const tags = [
    u.disabled && (
      <Tag key="disabled" color="red">
        已停用
      </Tag>
    ),
    u.lockedUntil && (
      <Tag key="locked" color="orange">
        已锁定（至 {u.lockedUntil.slice(5, 16).replace('T', ' ')}）
      </Tag>
    ),
    u.mustChangePassword && (
      <Tag key="pw" color="gold">
        须修改密码
      </Tag>
    ),
  ].filter(Boolean);
  return tags.length ? <>{tags}</> : <Tag color="green">正常</Tag>;
}

function UsersTab() {
  const [form] = Form.useForm();
  const { message } = App.useApp();
  const queries = useQueryClient();
  const { user: me } = useAuth();
  const units = useUnits();
  const unitName = useUnitName();
  const users = useQuery({ queryKey: ['users'], queryFn: () => get<AdminUser[]>('/users') });
  const [error, setError] = useState<string | null>(null);
  const [resetting, setResetting] = useState<AdminUser | null>(null);
  const roles = Form.useWatch('roles', form) as string[] | undefined;
  const submit = async (v: { username: string; displayName: string; password: string; roles: string[]; unitCode?: string }) => {
    setError(null);
    try {
      await post('/users', { ...v, username: v.username.trim(), ...(v.unitCode ? {} : { unitCode: undefined }) });
      message.success(`已新增用户 ${v.username}`);
      form.resetFields();
      void queries.invalidateQueries({ queryKey: ['users'] });
    } catch (e) {
      const rest = showFieldErrors(form, e);
      setError([errorText(e), ...rest].join(' '));
    }
  };
  /** 停用 / 启用 / 解锁: one POST, then the list again. */
  const act = async (u: AdminUser, action: 'disable' | 'enable' | 'unlock', done: string) => {
    try {
      await post(`/users/${encodeURIComponent(u.username)}/${action}`);
      message.success(`${done}：${u.displayName}（${u.username}）`);
    } catch (e) {
      message.error(errorText(e));
    } finally {
      void queries.invalidateQueries({ queryKey: ['users'] });
    }
  };
  return (
    <Row gutter={16}>
      <Col xs={24} lg={14}>
        <Table<AdminUser>
          rowKey="username"
          size="small"
          loading={users.isLoading}
          dataSource={users.data ?? []}
          pagination={{ pageSize: 15, hideOnSinglePage: true }}
          columns={[
            { title: '用户名', dataIndex: 'username' },
            { title: '姓名', dataIndex: 'displayName' },
            { title: '角色', dataIndex: 'roles', render: (rs: string[]) => rs.map((r) => <Tag key={r}>{ROLES[r] ?? r}</Tag>) },
            { title: '所属单位', dataIndex: 'unitCode', render: (u: string | null) => (u ? unitName(u) : '—') },
            { title: '状态', key: 'state', render: (_: unknown, u) => <UserState u={u} /> },
            {
              title: '操作',
              key: 'actions',
              render: (_: unknown, u) => (
                <Space size={4} wrap>
                  {u.disabled ? (
                    <Button size="small" onClick={() => act(u, 'enable', '已启用')}>
                      启用
                    </Button>
                  ) : (
                    <Popconfirm
                      title={`停用 ${u.displayName}（${u.username}）？`}
                      description="停用后其立即退出登录，且不能再登录"
                      okText="确定"
                      cancelText="取消"
                      onConfirm={() => act(u, 'disable', '已停用')}
                    >
                      <Button size="small" danger disabled={u.username === me?.username}>
                        停用
                      </Button>
                    </Popconfirm>
                  )}
                  <Button size="small" onClick={() => setResetting(u)}>
                    重置密码
                  </Button>
                  {u.lockedUntil && (
                    <Button size="small" onClick={() => act(u, 'unlock', '已解锁')}>
                      解锁
                    </Button>
                  )}
                </Space>
              ),
            },
          ]}
        />
        <ResetPasswordDialog user={resetting} onClose={() => setResetting(null)} />
      </Col>
      <Col xs={24} lg={10}>
        <Card title={<h2 className="panel-heading">新增用户</h2>}>
          <Form form={form} layout="vertical" onFinish={submit}>
            <Form.Item label="用户名" name="username" rules={[{ required: true, whitespace: true, message: '请输入用户名' }]}>
              <Input autoComplete="off" />
            </Form.Item>
            <Form.Item label="姓名" name="displayName" rules={[{ required: true, whitespace: true, message: '请输入姓名' }]}>
              <Input autoComplete="off" />
            </Form.Item>
            <Form.Item label="初始密码" name="password" rules={[{ required: true, message: '请输入初始密码' }]} extra="至少 10 个字符，不能与用户名相同，不能是常见密码；请用户首次登录后修改">
              <Input.Password autoComplete="new-password" />
            </Form.Item>
            <Form.Item label="角色" name="roles" rules={[{ required: true, message: '请选择角色' }]}>
              <Select mode="multiple" options={options(ROLES)} optionFilterProp="label" />
            </Form.Item>
            <Form.Item label="所属单位" name="unitCode" rules={[{ required: !!roles?.includes('handler'), message: '经办人须选择所属单位' }]}>
              <Select allowClear showSearch optionFilterProp="label" options={(units.data ?? []).map((u) => ({ value: u.code, label: u.name }))} />
            </Form.Item>
            {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
            <Button type="primary" htmlType="submit">
              新增用户
            </Button>
          </Form>
        </Card>
      </Col>
    </Row>
  );
}

function UnitsTab() {
  const [form] = Form.useForm();
  const { message } = App.useApp();
  const queries = useQueryClient();
  const units = useUnits();
  const unitName = useUnitName();
  const [error, setError] = useState<string | null>(null);
  const submit = async (v: Unit) => {
    setError(null);
    try {
      await post('/units', { code: v.code.trim(), name: v.name.trim(), ...(v.parentCode ? { parentCode: v.parentCode } : {}) });
      message.success(`已新增单位 ${v.name}`);
      form.resetFields();
      void queries.invalidateQueries({ queryKey: ['units'] });
    } catch (e) {
      const rest = showFieldErrors(form, e, (n) => ['code', 'name', 'parentCode'].includes(String(n[0])));
      setError([errorText(e), ...rest].join(' '));
    }
  };
  return (
    <Row gutter={16}>
      <Col xs={24} lg={14}>
        <Table<Unit>
          rowKey="code"
          size="small"
          loading={units.isLoading}
          dataSource={units.data ?? []}
          pagination={{ pageSize: 15, hideOnSinglePage: true }}
          columns={[
            { title: '单位代码', dataIndex: 'code' },
            { title: '单位名称', dataIndex: 'name' },
            { title: '上级单位', dataIndex: 'parentCode', render: (p: string | null) => (p ? unitName(p) : '—') },
          ]}
        />
      </Col>
      <Col xs={24} lg={10}>
        <Card title={<h2 className="panel-heading">新增单位</h2>}>
          <Form form={form} layout="vertical" onFinish={submit}>
            <Form.Item label="单位代码" name="code" rules={[{ required: true, whitespace: true, message: '请输入单位代码' }]} extra="英文字母、数字或连字符，如 housing">
              <Input autoComplete="off" />
            </Form.Item>
            <Form.Item label="单位名称" name="name" rules={[{ required: true, whitespace: true, message: '请输入单位名称' }]}>
              <Input autoComplete="off" />
            </Form.Item>
            <Form.Item label="上级单位" name="parentCode">
              <Select allowClear showSearch optionFilterProp="label" options={(units.data ?? []).map((u) => ({ value: u.code, label: u.name }))} />
            </Form.Item>
            {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
            <Button type="primary" htmlType="submit">
              新增单位
            </Button>
          </Form>
        </Card>
      </Col>
    </Row>
  );
}

/** What the security log's events mean, in the office's words. */
const EVENTS: Record<string, string> = {
  login: '登录',
  logout: '退出登录',
  'login-failed': '登录失败',
  'login-refused': '拒绝登录',
  'login-throttled': '登录过于频繁',
  'account-locked': '账号锁定',
  'user-unlocked': '解锁',
  'access-denied': '越权访问被拒',
  'person-lookup': '查询信访人记录',
  'report-export': '导出报表',
  'user-created': '新增用户',
  'user-disabled': '停用用户',
  'user-enabled': '启用用户',
  'password-reset': '重置密码',
  'password-changed': '修改密码',
  'password-change-refused': '修改密码被拒',
  'refresh-token-reused': '登录凭据被重复使用',
  'dead-letter-replayed': '重放死信事件',
  'dead-letter-replay-failed': '重放死信事件失败',
  'dead-letter-discarded': '丢弃死信事件',
  'case-correction': '管理员更正案件',
  'calendar-loaded': '加载节假日安排',
  'calendar-load-refused': '节假日安排未通过检查',
};

/** 安全日志: the security log, newest first (never personal data: lookups name the kind of key only). */
function SecurityTab() {
  const [page, setPage] = useState(1);
  const events = useQuery({
    queryKey: ['security-events', page],
    queryFn: () => get<{ items: SecurityEvent[]; total: number; pageSize: number }>('/admin/security-events', { page, pageSize: 20 }),
  });
  return (
    <Table<SecurityEvent>
      rowKey="id"
      size="small"
      loading={events.isLoading}
      dataSource={events.data?.items ?? []}
      pagination={{ current: page, pageSize: 20, total: events.data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
      columns={[
        { title: '时间', dataIndex: 'at', render: (at: string) => at.slice(0, 19).replace('T', ' ') },
        { title: '事件', dataIndex: 'event', render: (e: string) => EVENTS[e] ?? e },
        { title: '操作人', dataIndex: 'actor', render: (a: string | null) => a ?? '—' },
        { title: '对象', dataIndex: 'target', render: (x: string | null) => x ?? '—' },
        { title: '来源地址', dataIndex: 'ip', render: (x: string | null) => x ?? '—' },
        {
          title: '说明',
          dataIndex: 'detail',
          render: (d: Record<string, unknown> | null) =>
            d
              ? Object.entries(d)
                  .map(([k, v]) => `${k}: ${String(v)}`)
                  .join('；')
              : '',
        },
      ]}
    />
  );
}

const SERVICES: Record<DeadLetter['service'], string> = { intake: '登记服务', assignment: '转送交办服务', deadline: '期限服务', closure: '办结服务', reporting: '查询统计服务' };

/** "case.review-opinion-issued" → 复查意见; unknown types as they are. */
const eventTypeName = (type: string | null) => {
  if (!type) return '（无法解析）';
  const key = type.replace(/^(case|deadline)\./, (_m, p: string) => (p === 'deadline' ? 'deadline-' : '')).replace(/-issued$/, '');
  return TIMELINE[key] ? `${TIMELINE[key]}（${type}）` : type;
};

/**
 * 死信事件: events a service could not apply (invalid, or its handler failed three times), open
 * ones first. After the cause is fixed, 重放 applies the event (once); 丢弃 decides it must not apply.
 */
function DeadLettersTab() {
  const { message } = App.useApp();
  const queries = useQueryClient();
  const letters = useQuery({ queryKey: ['dead-letters', 'open'], queryFn: () => get<{ items: DeadLetter[]; total: number; unavailable: string[] }>('/admin/dead-letters', { status: 'open' }) });
  const [busy, setBusy] = useState<string | null>(null);
  const act = async (d: DeadLetter, action: 'replay' | 'discard') => {
    setBusy(`${d.service}/${d.id}/${action}`);
    try {
      await post(`/admin/dead-letters/${d.service}/${d.id}/${action}`, {});
      message.success(action === 'replay' ? `已重放：${eventTypeName(d.eventType)}` : `已丢弃：${eventTypeName(d.eventType)}`);
    } catch (e) {
      message.error(errorText(e));
    } finally {
      setBusy(null);
      void queries.invalidateQueries({ queryKey: ['dead-letters'] });
      void queries.invalidateQueries({ queryKey: ['security-events'] });
    }
  };
  const unavailable = letters.data?.unavailable ?? [];
  // Distributed mode: the deadline timers are BullMQ jobs, shown read-only by bull-board.
  const health = useQuery({ queryKey: ['health'], queryFn: () => get<{ status: string; mode: 'embedded' | 'distributed' }>('/health'), staleTime: Infinity });
  const openTimerQueue = async () => {
    try {
      await post('/admin/timer-queue/session', {});
      window.open('/api/v1/admin/timer-queue/ui/', '_blank', 'noopener');
    } catch (e) {
      message.error(errorText(e));
    }
  };
  return (
    <div>
      <Typography.Paragraph type="secondary">
        某个服务无法处理的事件（格式不正确，或处理三次仍失败）。请先排除原因，再点“重放”；确认该事件不应生效时点“丢弃”。
        {health.data?.mode === 'distributed' && (
          <>
            {' '}
            期限计时器在 Redis 中排队，可
            <Button type="link" size="small" onClick={() => void openTimerQueue()}>
              打开计时器队列
            </Button>
            （只读，15 分钟内有效）。
          </>
        )}
      </Typography.Paragraph>
      {unavailable.length > 0 && (
        <Alert
          type="warning"
          showIcon
          role="alert"
          title={`以下服务暂时无法访问，其死信事件未列出：${unavailable.map((s) => SERVICES[s as DeadLetter['service']] ?? s).join('、')}`}
          style={{ marginBottom: 16 }}
        />
      )}
      <Table<DeadLetter>
        rowKey={(d) => `${d.service}/${d.id}`}
        size="small"
        loading={letters.isLoading}
        dataSource={letters.data?.items ?? []}
        locale={{ emptyText: <Typography.Text>没有待处理的死信事件</Typography.Text> }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          { title: '服务', dataIndex: 'service', render: (s: DeadLetter['service']) => SERVICES[s] ?? s },
          { title: '事件类型', dataIndex: 'eventType', render: eventTypeName },
          { title: '案件', dataIndex: 'caseId', render: (id: string | null) => (id ? <Link to={`/cases/${id}`}>…{id.slice(-8)}</Link> : '—') },
          { title: '原因', dataIndex: 'reason', render: (r: string) => <Typography.Text style={{ wordBreak: 'break-all' }}>{r}</Typography.Text> },
          { title: '次数', dataIndex: 'attempts' },
          { title: '首次失败时间', dataIndex: 'firstFailedAt', render: formatTime },
          {
            title: '操作',
            key: 'actions',
            render: (_: unknown, d) => (
              <Space>
                <Button
                  size="small"
                  type="primary"
                  disabled={!d.replayable}
                  loading={busy === `${d.service}/${d.id}/replay`}
                  onClick={() => act(d, 'replay')}
                  title={d.replayable ? undefined : '只保存了脱敏副本，无法重放'}
                >
                  重放
                </Button>
                <Popconfirm title="丢弃该死信事件？" description="丢弃后该事件不再生效，也不能再重放" okText="确定" cancelText="取消" onConfirm={() => act(d, 'discard')}>
                  <Button size="small" danger loading={busy === `${d.service}/${d.id}/discard`}>
                    丢弃
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
    </div>
  );
}

/** 系统管理: users (roles, unit, state and its actions), units, the security log, dead letters, the holiday calendar. */
export default function AdminPage() {
  return (
    <div className="page">
      <Typography.Title level={1} className="page-title">
        系统管理
      </Typography.Title>
      <Tabs
        items={[
          { key: 'users', label: '用户', children: <UsersTab /> },
          { key: 'units', label: '单位', children: <UnitsTab /> },
          { key: 'security', label: '安全日志', children: <SecurityTab /> },
          { key: 'dead-letters', label: '死信事件', children: <DeadLettersTab /> },
          { key: 'calendar', label: '节假日安排', children: <HolidayCalendarTab /> },
        ]}
      />
    </div>
  );
}
