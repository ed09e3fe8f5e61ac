import { NavLink, Outlet, useNavigate } from 'react-router';
import { Button, Dropdown, Layout, Space, Tag, Typography } from 'antd';
import { DownOutlined } from '@ant-design/icons';
import { useAuth } from '../auth';
import { ROLES } from '../labels';
import { useUnitName } from '../queries';
import type { Role } from '../api';

const NAV: { to: string; label: string; roles: Role[] }[] = [
  { to: '/reception', label: '接待登记', roles: ['reception', 'office'] },
  { to: '/cases', label: '案件列表', roles: ['reception', 'office', 'handler', 'leader'] },
  { to: '/dashboard', label: '领导驾驶舱', roles: ['leader', 'office'] },
  { to: '/admin', label: '系统管理', roles: ['admin'] },
];

/** Every signed-in screen: the role's links, who is signed in (role and unit; their menu has 修改密码), and 退出登录. */
export function Shell() {
  const { user, has, logout } = useAuth();
  const navigate = useNavigate();
  const unitName = useUnitName();
  return (
    <Layout className="shell">
      <Layout.Header className="shell-header">
        <Typography.Text className="brand">信访工作平台</Typography.Text>
        {user && (
          <nav aria-label="主导航" className="main-nav">
            {NAV.filter((n) => has(...n.roles)).map((n) => (
              <NavLink key={n.to} to={n.to} className={({ isActive }) => (isActive ? 'nav-link active' : 'nav-link')}>
                {n.label}
              </NavLink>
            ))}
          </nav>
        )}
        {user && (
          <Space className="whoami" size="small">
            <Dropdown trigger={['click']} menu={{ items: [{ key: 'password', label: '修改密码' }], onClick: ({ key }) => key === 'password' && navigate('/password') }}>
              <Button type="text" size="small" className="user-menu">
                {user.displayName} <DownOutlined aria-hidden />
              </Button>
            </Dropdown>
            {user.roles.map((r) => (
              <Tag key={r} color="gold">
                {ROLES[r] ?? r}
              </Tag>
            ))}
            {user.unitCode && <span className="unit">{unitName(user.unitCode)}</span>}
            <Button
              size="small"
              onClick={() => {
                logout();
                navigate('/login', { replace: true });
              }}
            >
              退出登录
            </Button>
          </Space>
        )}
      </Layout.Header>
      <Layout.Content className="shell-content">
        <main>
          <Outlet />
        </main>
      </Layout.Content>
    </Layout>
  );
}
