import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Form, Input, Row, Select, Table, Tabs, Tag, Typography } from 'antd';
import { get, post, type Unit, type User } from '../api';
import { errorText, showFieldErrors } from '../form-errors';
import { ROLES, options } from '../labels';
import { useUnitName, useUnits } from '../queries';

function UsersTab() {
  const [form] = Form.useForm();
  const { message } = App.useApp();
  const queries = useQueryClient();
  const units = useUnits();
  const unitName = useUnitName();
  const users = useQuery({ queryKey: ['users'], queryFn: () => get<User[]>('/users') });
  const [error, setError] = useState<string | null>(null);
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
  return (
    <Row gutter={16}>
      <Col xs={24} lg={14}>
        <Table<User>
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
          ]}
        />
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
            <Form.Item label="初始密码" name="password" rules={[{ required: true, message: '请输入初始密码' }]} extra="请用户首次登录后修改">
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

/** 系统管理: users (roles, unit) and units. */
export default function AdminPage() {
  return (
    <div className="page">
      <Typography.Title level={1} className="page-title">系统管理</Typography.Title>
      <Tabs items={[{ key: 'users', label: '用户', children: <UsersTab /> }, { key: 'units', label: '单位', children: <UnitsTab /> }]} />
    </div>
  );
}
