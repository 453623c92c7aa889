import { ValidationFailed } from '../errors/app-error.js';

/** Opaque keyset cursors: base64url JSON of the last row's sort key. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Decodes a cursor and checks its shape; a forged or stale-format cursor is a 400. */
export function decodeCursor<T>(cursor: string | undefined, isValid: (v: unknown) => v is T): T | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (!isValid(value)) {
    throw new ValidationFailed('The request is not valid', [
      { field: 'cursor', message: 'is not a cursor this endpoint issued' },
    ]);
  }
  return value;
}

/** The position in a newest-first page of rows ordered by (created_at, id). */
export type TimeIdCursor = { t: string; i: string };

export const isTimeIdCursor = (v: unknown): v is TimeIdCursor =>
  typeof v === 'object' &&
  v !== null &&
  !Number.isNaN(Date.parse(String((v as TimeIdCursor).t))) &&
  /^[0-9a-f-]{36}$/.test(String((v as TimeIdCursor).i));

/** One page of a keyset-paginated list, as every list endpoint answers. */
export interface KeysetPage<T> {
  data: T[];
  next_cursor: string | null;
}

/**
 * One keyset page: decodes the caller's cursor (a 400 when it is not one of ours), reads one row
 * more than `limit` after it, and returns `limit` rows with the cursor of the last when more follow.
 */
export async function paginate<Row, C, View = Row>(
  q: { limit: number; cursor?: string },
  cursor: { isValid: (v: unknown) => v is C; of: (row: Row) => C },
  read: (after: C | undefined, take: number) => Promise<Row[]>,
  view: (row: Row) => View = (row) => row as unknown as View,
): Promise<KeysetPage<View>> {
  const rows = await read(decodeCursor(q.cursor, cursor.isValid), q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    data: page.map(view),
    next_cursor: rows.length > q.limit && last ? encodeCursor(cursor.of(last)) : null,
  };
}
