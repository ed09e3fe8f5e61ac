import { useQuery } from '@tanstack/react-query';
import { get, type Category, type Unit } from './api';

/** Units and categories change rarely: one fetch per session, shared by every screen. */
export function useUnits() {
  return useQuery({ queryKey: ['units'], queryFn: () => get<Unit[]>('/units'), staleTime: 5 * 60_000 });
}

export function useUnitName() {
  const { data } = useUnits();
  return (code: string | null | undefined) => {
    if (!code) return '—';
    return data?.find((u) => u.code === code)?.name ?? code;
  };
}

export function useCategories() {
  return useQuery({ queryKey: ['categories'], queryFn: () => get<Category[]>('/categories'), staleTime: 30 * 60_000 });
}

/** "城乡建设 / 物业管理" for a first- or second-level code. */
export function useCategoryName() {
  const { data } = useCategories();
  return (code: string | null | undefined) => {
    if (!code) return '—';
    for (const c of data ?? []) {
      if (c.code === code) return c.name;
      const child = c.children?.find((x) => x.code === code);
      if (child) return `${c.name} / ${child.name}`;
    }
    return code;
  };
}
