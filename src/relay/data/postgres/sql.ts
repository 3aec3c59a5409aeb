/**
 * Turns SQL written with `@name` parameters (the form better-sqlite3 binds, and VISIBLE_SQL's)
 * into node-postgres' `$n` form, so a rule written once in SQL serves both stores. Each name gets
 * one position however often it appears; a name missing from `params` is a bug and throws.
 */
export function named(sql: string, params: Record<string, unknown>): { text: string; values: unknown[] } {
  const order = new Map<string, number>();
  const values: unknown[] = [];
  const text = sql.replace(/@([A-Za-z_][A-Za-z0-9_]*)/g, (_, name: string) => {
    let i = order.get(name);
    if (i === undefined) {
      if (!(name in params)) throw new Error(`SQL parameter @${name} has no value.`);
      values.push(params[name]);
      order.set(name, (i = values.length));
    }
    return `$${i}`;
  });
  return { text, values };
}
