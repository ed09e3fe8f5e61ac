import type { ReactNode } from 'react';
import { useNavigate } from 'react-router';
import { Button } from 'antd';

/** A link (role link, real href) that looks like a button and navigates inside the app. */
export function LinkButton({ to, children, primary }: { to: string; children: ReactNode; primary?: boolean }) {
  const navigate = useNavigate();
  return (
    <Button
      type={primary ? 'primary' : 'default'}
      href={to}
      onClick={(e) => {
        e.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </Button>
  );
}
