import { useState } from 'react';
import { Navigate, useNavigate } from 'react-router';
import { Alert, App, Button, Card, Form, Input, Typography } from 'antd';
import { homeOf, useAuth } from '../auth';
import { errorText, showFieldErrors } from '../form-errors';

/** The password rules as the API applies them (PASSWORD_MIN_LENGTH, 10 by default). */
const RULES = '至少 10 个字符；不能与用户名相同；不能是常见密码（如 password123、woaini1314、a123456789）。';

/**
 * 修改密码, for every user (from the user menu), and forced after an admin's reset
 * (mustChangePassword): then nothing else opens until it is done.
 */
export function PasswordPage() {
  const { user, changePassword, logout } = useAuth();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!user) return <Navigate to="/login" replace />;
  const forced = !!user.mustChangePassword;

  const submit = async (v: { currentPassword: string; newPassword: string }) => {
    setBusy(true);
    setError(null);
    try {
      const u = await changePassword(v.currentPassword, v.newPassword);
      message.success('密码已修改');
      navigate(homeOf(u), { replace: true });
    } catch (e) {
      const rest = showFieldErrors(form, e, (n) => ['currentPassword', 'newPassword'].includes(String(n[0])));
      setError(rest.length ? rest.join(' ') : form.getFieldsError().some((f) => f.errors.length) ? null : errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login-page">
      <Card className="login-card password-card">
        <Typography.Title level={1} className="login-title">
          修改密码
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ textAlign: 'center' }}>
          {user.displayName}（{user.username}）
        </Typography.Paragraph>
        {forced && <Alert type="warning" showIcon title="管理员已重置您的密码，请先设置自己的新密码再继续使用。" style={{ marginBottom: 16 }} />}
        <Form form={form} layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item label="当前密码" name="currentPassword" extra={forced ? '即管理员告知您的临时密码' : undefined} rules={[{ required: true, message: '请输入当前密码' }]}>
            <Input.Password autoComplete="current-password" autoFocus />
          </Form.Item>
          <Form.Item
            label="新密码"
            name="newPassword"
            extra={RULES}
            rules={[
              { required: true, message: '请输入新密码' },
              { min: 10, message: '新密码不得少于 10 个字符' },
            ]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item
            label="确认新密码"
            name="confirm"
            dependencies={['newPassword']}
            rules={[
              { required: true, message: '请再次输入新密码' },
              ({ getFieldValue }) => ({ validator: (_, value) => (!value || value === getFieldValue('newPassword') ? Promise.resolve() : Promise.reject(new Error('两次输入的新密码不一致'))) }),
            ]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          {error && <Alert type="error" showIcon title={error} role="alert" style={{ marginBottom: 16 }} />}
          <div className="stacked-buttons">
            <Button type="primary" htmlType="submit" block loading={busy}>
              修改密码
            </Button>
            {forced ? (
              <Button
                block
                onClick={() => {
                  logout();
                  navigate('/login', { replace: true });
                }}
              >
                退出登录
              </Button>
            ) : (
              <Button block onClick={() => navigate(-1)}>
                返回
              </Button>
            )}
          </div>
        </Form>
      </Card>
    </main>
  );
}
