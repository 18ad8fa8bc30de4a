import "server-only";

/**
 * A LIKE pattern matching values that start with `prefix`, taken literally: `%`, `_` and the
 * escape character itself are escaped (PostgreSQL's default LIKE escape is the backslash), so a
 * search for "%" finds emails with a "%" and not every email.
 */
export function likePrefix(prefix: string): string {
  return `${escapeLike(prefix)}%`;
}

export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
