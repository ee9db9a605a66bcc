/**
 * Guards for faults of the PostgreSQL driver (postgres.js 3.4.9) that showed when the database went away
 * under a running server. Each was reproduced against PostgreSQL (see the integration test
 * tests/integration/connection-loss.test.ts and `npm run test:crash`).
 *
 * 1. The process ended (porsager/postgres#1208). When a connection inside a transaction dies (PostgreSQL
 *    stopped, the backend terminated, the network cut), the driver rejects the running statement and,
 *    from the transaction's own `catch`, sends `rollback` on that same connection. Its socket is already
 *    gone (`closed()` set it to null); the write is queued with `setImmediate(nextWrite)` and `nextWrite`
 *    calls `socket.write` on null: a TypeError thrown from a timer, which no caller can catch, so Node
 *    ends the process. Guarded: with no socket, `nextWrite` drops the bytes and rejects what waited on
 *    them with CONNECTION_CLOSED, as every other statement on a dead connection is rejected (a statement
 *    waiting for the connection to come back is left to it).
 * 2. A connection could stall, or return rows out of place, after it reconnected. Bytes queued for the
 *    old socket but not yet written stayed in the write buffer, and its timer stayed set (cleared, not
 *    reset), so the next socket's start-up message was appended behind them and never sent: the
 *    connection hung until its connect timeout, again and again. And the count of rows read so far was
 *    kept when the socket closed in the middle of a result, so the next result on the connection put its
 *    first row at that index (`const [row] = await sql...` gave undefined). Guarded: `closed()` empties
 *    the write buffer and the row count.
 * 3. The first statement after a reconnection failed with the error of one that ran before it. When the
 *    backend was terminated mid-statement, PostgreSQL's last word (57P01, "terminating connection due to
 *    administrator command") was kept and given to the first statement on the new connection. Guarded:
 *    `closed()` forgets it, and the statement it belonged to. It also rejects every statement still
 *    waiting for an answer on the old socket, not only when the socket closed without an error: one sent
 *    between the socket's error and its close (a transaction's `rollback`) stayed queued, and took the
 *    answer of the next statement on the new connection, which took the one after it, and so on.
 * 4. The process ended on an unhandled rejection. Each new connection first reads the array types
 *    (`fetchArrayTypes`, an async function nobody awaits); when the connection died during that read
 *    (PostgreSQL shutting down just as the pool reconnected), its rejection was unhandled, which ends a
 *    Node process. The statement that waited for the connection gets the error either way; the guard
 *    only handles the function's own promise.
 * 5. A transaction could hang, or run its last statements outside any transaction. A transaction keeps
 *    the connection it began on; when that connection closed and the pool reconnected it for other work,
 *    the transaction's remaining statements (its `rollback`, at least) went to the new session, or
 *    waited in the transaction's queue for an answer that never came. Guarded: once the connection
 *    closes, the transaction's queued and later statements are rejected with the close's error.
 *
 * The guards are applied where the server is built (the driver is bundled into build/ for that,
 * `ssr.noExternal` in vite.config.ts) and where the integration tests load it (`server.deps.inline`). If
 * the driver's source changes, the build fails here rather than losing a guard silently: check whether
 * the new version still needs them.
 */
import type { Plugin } from 'vite';

const FILE = /[\\/]node_modules[\\/]postgres[\\/]src[\\/](connection|index)\.js$/;
const MARK = '// Isolation Care guard';

interface Patch {
	file: 'connection.js' | 'index.js';
	what: string;
	original: string;
	guarded: string;
}

const PATCHES: Patch[] = [
	{
		file: 'connection.js',
		what: 'nextWrite on a closed socket',
		original: `  function nextWrite(fn) {
    const x = socket.write(chunk, fn)`,
		guarded: `  function nextWrite(fn) {
    if (socket === null) { ${MARK} 1: the connection closed after this write was queued
      nextWriteTimer !== null && clearImmediate(nextWriteTimer)
      chunk = nextWriteTimer = null
      const err = Errors.connection('CONNECTION_CLOSED', options)
      query && queryError(query, err)
      while (sent.length) queryError(sent.shift(), err)
      query = null
      return false
    }
    const x = socket.write(chunk, fn)`
	},
	{
		file: 'connection.js',
		what: 'the write buffer kept across a reconnection',
		original: `    incomings = null
    clearImmediate(nextWriteTimer)
    socket.removeListener('data', data)`,
		guarded: `    incomings = null
    clearImmediate(nextWriteTimer)
    chunk = nextWriteTimer = null ${MARK} 2: nothing queued for the old socket goes to the next one
    rows = 0 ${MARK} 2: nor a half-read result's row count
    socket.removeListener('data', data)`
	},
	{
		file: 'connection.js',
		what: 'an error response kept across a reconnection',
		original: `    !hadError && (query || sent.length) && error(Errors.connection('CONNECTION_CLOSED', options, socket))
    closedTime = performance.now()`,
		guarded: `    ;(query || sent.length) && error(Errors.connection('CONNECTION_CLOSED', options, socket)) ${MARK} 3
    query = errorResponse = null ${MARK} 3: all settled above; the next connection starts clean
    closedTime = performance.now()`
	},
	{
		file: 'connection.js',
		what: 'a lost connection while it reads the array types',
		original: `        initial.reserve && (initial = null)
        return fetchArrayTypes()`,
		guarded: `        initial.reserve && (initial = null)
        return fetchArrayTypes().catch(() => {}) ${MARK} 4: the error went to the statement waiting`
	},
	{
		file: 'index.js',
		what: "a transaction's statements after its connection closed (begin)",
		original: `      return await Promise.race([
        scope(connection, fn),
        new Promise((_, reject) => connection.onclose = reject)
      ])`,
		guarded: `      return await Promise.race([
        scope(connection, fn),
        new Promise((_, reject) => connection.onclose = (e) => { ${MARK} 5: the transaction is over
          lost = e || Errors.connection('CONNECTION_CLOSED', options)
          while (queries.length) queries.shift().reject(lost)
          reject(lost)
        })
      ])`
	},
	{
		file: 'index.js',
		what: "a transaction's statements after its connection closed (declaration)",
		original: `    let savepoints = 0
      , connection
      , prepare = null`,
		guarded: `    let savepoints = 0
      , connection
      , prepare = null
      , lost = null ${MARK} 5`
	},
	{
		file: 'index.js',
		what: "a transaction's statements after its connection closed (handler)",
		original: `        q.catch(e => uncaughtError || (uncaughtError = e))
        c.queue === full`,
		guarded: `        q.catch(e => uncaughtError || (uncaughtError = e))
        if (lost) return q.reject(lost) ${MARK} 5: not on the connection's next session
        c.queue === full`
	}
];

/** Applies every guard to one of the driver's files; throws when one no longer finds its code. */
export function guardPostgresSource(code: string, file: Patch['file'] = 'connection.js'): string {
	let text = code.replace(/\r\n/g, '\n');
	for (const patch of PATCHES.filter((p) => p.file === file)) {
		if (text.includes(patch.guarded)) continue;
		if (!text.includes(patch.original))
			throw new Error(
				`postgres.js changed: its ${file} no longer has the code guarded against ${patch.what} ` +
					'(src/lib/server/db/postgres-guard.ts). Check whether the new version still needs the guard.'
			);
		text = text.replace(patch.original, patch.guarded);
	}
	return text;
}

export function postgresGuard(): Plugin {
	return {
		name: 'isolation-care:postgres-guard',
		enforce: 'pre',
		transform(code, id) {
			const match = FILE.exec(id.split('?')[0]!);
			if (!match) return null;
			return { code: guardPostgresSource(code, `${match[1]}.js` as Patch['file']), map: null };
		}
	};
}
