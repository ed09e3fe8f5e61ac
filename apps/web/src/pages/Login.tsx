import { useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { ApiError } from '../api';
import { homeOf, useAuth } from '../auth';

export function LoginPage() {
  const { user, login } = useAuth();
  const navigate = useNavigate();
  const from = (useLocation().state as { from?: string } | null)?.from;
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (user) return <Navigate to={user.mustChangePassword ? '/password' : (from ?? homeOf(user))} replace />;

  const submit = async (v: { username: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      const u = await login(v.username.trim(), v.password);
      if (u.mustChangePassword) navigate('/password', { replace: true });
      else navigate(from && from !== '/login' && from !== '/password' ? from : homeOf(u), { replace: true });
    } catch (e) {
      // 401: wrong password (or a disabled account, which the answer names); 423 locked and 429
      // throttled: the answer says until when
      const wrong = e instanceof ApiError && e.status === 401 && e.code === 'UNAUTHENTICATED';
      setError(wrong ? '用户名或密码错误，请重新输入' : e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login-page">
      <Card className="login-card">
        <Typography.Title level={1} className="login-title">
          信访工作平台
        </Typography.Title>
        <Typography.Paragraph type="secondary">依据《信访工作条例》登记、转送交办、受理办理、办结评价</Typography.Paragraph>
        <Form layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item label="用户名" name="username" rules={[{ required: true, message: '请输入用户名' }]}>
            <Input autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item label="密码" name="password" rules={[{ required: true, message: '请输入密码' }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          {error && <Alert type="error" showIcon title={error} role="alert" style={{ marginBottom: 16 }} />}
          <Button type="primary" htmlType="submit" block loading={busy}>
            登录
          </Button>
        </Form>
      </Card>
    </main>
  );
}
