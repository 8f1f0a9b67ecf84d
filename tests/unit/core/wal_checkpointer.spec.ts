import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from '@japa/runner'
import { createRequire } from 'node:module'
import {
  AUTO_CHECKPOINT_PAGES,
  WalCheckpointer,
  type CheckpointReport,
} from '#core/wal_checkpointer'

/* The slice of better-sqlite3 used here (the package ships no types). */
interface Connection {
  exec(sql: string): void
  prepare(sql: string): { get(): unknown; run(...values: unknown[]): unknown }
  close(): void
}
const BetterSqlite = createRequire(import.meta.url)('better-sqlite3') as new (
  file: string
) => Connection

/*
| The checkpoint worker on a real SQLite file: while it runs the writing
| connection never checkpoints itself (autocheckpoint 0), yet the log is
| copied into the database file; once it stops, autocheckpoint is back.
*/
test.group('WAL checkpointer', (group) => {
  let dir: string
  group.each.setup(() => {
    dir = mkdtempSync(join(tmpdir(), 'wal-checkpointer-'))
    return () => rmSync(dir, { recursive: true, force: true })
  })

  test('copies the log into the database file from its own thread', async ({ assert }) => {
    const file = join(dir, 'main.sqlite')
    /*
    | better-sqlite3, as the app's connection: the same SQLite library as the
    | worker's. Two SQLite libraries in one process (node:sqlite beside it)
    | do not see each other's locks and corrupt the file.
    */
    const main = new BetterSqlite(file)
    main.exec('PRAGMA journal_mode = WAL')
    const autoCheckpoint = () =>
      (main.prepare('PRAGMA wal_autocheckpoint').get() as { wal_autocheckpoint: number })
        .wal_autocheckpoint
    main.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)')
    const reports: CheckpointReport[] = []
    const checkpointer = await WalCheckpointer.start({
      file,
      intervalMs: 20,
      setAutoCheckpoint: (pages) => main.exec(`PRAGMA wal_autocheckpoint = ${pages}`),
      onCheckpoint: (report) => reports.push(report),
    })
    assert.equal(autoCheckpoint(), 0)

    const sizeBefore = statSync(file).size
    const insert = main.prepare('INSERT INTO notes (body) VALUES (?)')
    // ~2 MB in many commits: well past the 1,000 pages where the connection would checkpoint itself.
    for (let index = 0; index < 500; index++) insert.run('x'.repeat(4000))

    /*
    | The worker checkpoints while the inserts run, so a full checkpoint of an
    | early part of the log may already be queued: wait for the file to hold
    | every page the connection now has, which only a checkpoint can do here.
    */
    const { page_count: pages } = main.prepare('PRAGMA page_count').get() as { page_count: number }
    const { page_size: pageSize } = main.prepare('PRAGMA page_size').get() as { page_size: number }
    assert.isAbove(pages * pageSize, sizeBefore + 1_500_000)
    const deadline = Date.now() + 10_000
    while (
      statSync(file).size < pages * pageSize ||
      !reports.some((report) => report.log > 0 && report.checkpointed === report.log)
    ) {
      if (Date.now() > deadline)
        assert.fail(
          `file ${statSync(file).size} of ${pages * pageSize} bytes: ${JSON.stringify(reports.slice(-3))}`
        )
      await new Promise((resolve) => setTimeout(resolve, 20))
    }

    await checkpointer.stop()
    assert.equal(autoCheckpoint(), AUTO_CHECKPOINT_PAGES)
    assert.deepEqual(main.prepare('SELECT count(*) AS total FROM notes').get(), { total: 500 })
    assert.deepEqual(main.prepare('PRAGMA integrity_check').get(), { integrity_check: 'ok' })
    main.close()
  })
})
