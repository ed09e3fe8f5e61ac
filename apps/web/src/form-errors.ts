import type { FormInstance } from 'antd';
import { ApiError } from './api';

/**
 * Puts the API's field messages beside their fields: "petitioners.0.idNumber" → the form item
 * ['petitioners', 0, 'idNumber']. Returns the messages no field of this form shows.
 */
export function showFieldErrors(form: FormInstance, err: unknown, known: (path: (string | number)[]) => boolean = () => true): string[] {
  if (!(err instanceof ApiError) || !err.details.length) return [];
  const rest: string[] = [];
  const fields: { name: (string | number)[]; errors: string[] }[] = [];
  for (const d of err.details) {
    const name = d.field.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
    if (known(name)) fields.push({ name, errors: d.messages });
    else rest.push(...d.messages);
  }
  form.setFields(fields);
  return rest;
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
