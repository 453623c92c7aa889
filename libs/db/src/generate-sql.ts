/**
 * SQL snapshots of the hot statements, after immich's `@GenerateSql`: a repository method marked
 * `@GenerateSql({ name, params })` has the statements it sends for those arguments written to
 * `queries/<Class>.<method>.<name>.sql` (`npm run sql:snapshots`), and a test fails when the
 * checked-in files differ from what the code sends now — so a change to a query shows in review as
 * a change to its SQL, not only to the code building it.
 */

/** In an example's params: where the method takes a connection or manager (the recording stand-in goes there). */
export const CONNECTION = Symbol('the recording connection');

/** One set of arguments to snapshot a method's statements with. */
export interface SqlExample {
  name: string;
  params: unknown[];
}

interface Registration {
  target: abstract new (...args: never[]) => unknown;
  method: string;
  examples: SqlExample[];
}

const REGISTRY: Registration[] = [];

/** Marks a repository method whose statements are snapshotted (one file per example). */
export function GenerateSql(...examples: SqlExample[]): MethodDecorator {
  return (prototype, method) => {
    REGISTRY.push({
      target: (prototype as { constructor: Registration['target'] }).constructor,
      method: String(method),
      examples,
    });
  };
}

export const sqlSnapshotRegistry = (): readonly Registration[] => REGISTRY;

const SQL = /^\s*(?:SELECT|INSERT|UPDATE|DELETE|WITH|SET|CREATE|COPY)\b/i;

/**
 * The statements `method` sends for `params`: the instance is built with a stand-in for every
 * dependency that records each statement it is asked to run and answers with no rows, runs
 * callbacks it is given (transactions, reads) with itself, and is anything else it is asked to be.
 * What the method does with the empty answers afterwards (it may throw) does not matter.
 */
export async function capturedSql(
  target: Registration['target'],
  method: string,
  params: unknown[],
): Promise<string[]> {
  const sent: string[] = [];
  const empty = () => Object.assign([], { rows: [], records: [], affected: 0, rowCount: 0 });
  const standIn: unknown = new Proxy(function standIn() {}, {
    get: (_t, prop) => (prop === 'then' || typeof prop === 'symbol' ? undefined : standIn),
    apply: (_t, _this, args: unknown[]) => {
      const callback = args.find((a): a is (x: unknown) => unknown => typeof a === 'function');
      if (callback) return callback(standIn);
      // query(text, …), planned(name, text, …) or query({ text, … })
      const texts = args.map((a) => (typeof a === 'string' ? a : (a as { text?: unknown } | null)?.text));
      const text = texts.find((t): t is string => typeof t === 'string' && SQL.test(t));
      if (text !== undefined) {
        sent.push(text);
        return Promise.resolve(empty());
      }
      return standIn;
    },
  });
  const Ctor = target as unknown as new (...deps: unknown[]) => Record<string, (...a: unknown[]) => unknown>;
  const instance = new Ctor(...Array.from({ length: 8 }, () => standIn));
  try {
    await instance[method]!(...params.map((p) => (p === CONNECTION ? standIn : p)));
  } catch {
    // the rows were empty: what the method would have done with real ones is not the point
  }
  return sent;
}

/** A statement as its snapshot file holds it: trailing spaces and the common indentation gone. */
export function snapshotText(statements: string[], params: unknown[]): string {
  const tidy = (sql: string) => {
    const lines = sql.split('\n').map((l) => l.trimEnd());
    const indent = Math.min(
      ...lines
        .slice(1)
        .filter((l) => l.trim())
        .map((l) => l.length - l.trimStart().length),
    );
    return [lines[0]!.trim(), ...lines.slice(1).map((l) => l.slice(Number.isFinite(indent) ? indent : 0))]
      .join('\n')
      .trim();
  };
  const shown = params.map((p) => (p === CONNECTION ? '(connection)' : p));
  return `-- params: ${JSON.stringify(shown)}\n\n${statements.map((s) => `${tidy(s)};`).join('\n\n')}\n`;
}
