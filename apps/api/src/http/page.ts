import { type SelectQueryBuilder, sql } from 'kysely';
import { z } from 'zod';

/** A page of `item`s, newest first, and the cursor of the next one. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.strictObject({
    items: z.array(item).meta({ description: 'Newest first.' }),
    next_before: z
      .string()
      .nullable()
      .meta({ description: 'Pass as `before` for the next page; `null` on the last page.' }),
  });
}

/** The page answered for rows fetched by `newestFirst`: the extra row only says there is a next page. */
export function toPage<R, I extends { id: string }>(
  rows: readonly R[],
  limit: number,
  serialize: (row: R) => I,
): { items: I[]; next_before: string | null } {
  const items = rows.slice(0, limit).map((row) => serialize(row));
  const last = items.at(-1);
  return { items, next_before: rows.length > limit && last ? last.id : null };
}

export interface NewestFirstPage {
  table: 'audit_logs' | 'deliveries';
  /** The column that scopes the list (a team's entries, a channel's deliveries) and its value. */
  owner: { column: 'team_id' | 'channel_id'; id: string };
  /** UUID of the row to page back from (exclusive). */
  before?: string | undefined;
  limit: number;
}

/**
 * Keyset paging, newest first by (created_at, id), so rows written in the
 * same instant still page without gaps. `before` is looked up within the
 * same owner: another team's or channel's id pages nothing. Fetches
 * `limit + 1` rows, the extra one telling the caller there is more.
 */
export function newestFirst<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  page: NewestFirstPage,
): SelectQueryBuilder<DB, TB, O> {
  const paged =
    page.before === undefined
      ? query
      : query.where(
          sql<boolean>`(created_at, id) < (select p.created_at, p.id from ${sql.table(page.table)} p where p.id = ${page.before} and ${sql.ref(`p.${page.owner.column}`)} = ${page.owner.id})`,
        );
  return paged
    .orderBy(sql`created_at`, 'desc')
    .orderBy(sql`id`, 'desc')
    .limit(page.limit + 1);
}
