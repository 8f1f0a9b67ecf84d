import db from '@adonisjs/lucid/services/db'

/* The slice of a better-sqlite3 Database and Statement used here. */
interface Statement {
  get(...bindings: unknown[]): unknown
  all(...bindings: unknown[]): unknown[]
}
interface Connection {
  readonly open: boolean
  prepare(sql: string): Statement
}

/*
|--------------------------------------------------------------------------
| Prepared reads on the main connection
|--------------------------------------------------------------------------
|
| For hot paths (starting a reply, the session user) where Lucid's query
| builder costs far more than SQLite itself: a query built, compiled,
| prepared and mapped by knex takes ~100 µs; the same statement prepared
| once and run on better-sqlite3 directly takes a few µs.
|
| The handle is the main connection's own better-sqlite3 Database, borrowed
| once from Lucid's pool (SQLite has one connection) and kept: reads run
| synchronously on it, so they see exactly what Lucid sees, a test's global
| transaction included. Reads only: a write here could land in the middle of
| a Lucid transaction that holds the connection across its awaits (writes
| go through Lucid, or the sync log's own group commit).
|
*/
class MainSqlite {
  #connection: Connection | null = null
  #acquiring: Promise<Connection> | null = null
  #statements = new Map<string, Statement>()

  /* Borrows the handle; called at start so no request waits for the pool. */
  async ready(): Promise<void> {
    await this.#handle()
  }

  async get<Row>(sql: string, bindings: unknown[]): Promise<Row | undefined> {
    const connection = this.#connection?.open ? this.#connection : await this.#handle()
    return this.#statement(connection, sql).get(...bindings) as Row | undefined
  }

  async all<Row>(sql: string, bindings: unknown[]): Promise<Row[]> {
    const connection = this.#connection?.open ? this.#connection : await this.#handle()
    return this.#statement(connection, sql).all(...bindings) as Row[]
  }

  #statement(connection: Connection, sql: string): Statement {
    let statement = this.#statements.get(sql)
    if (!statement) {
      statement = connection.prepare(sql)
      this.#statements.set(sql, statement)
    }
    return statement
  }

  #handle(): Promise<Connection> {
    if (this.#connection?.open) return Promise.resolve(this.#connection)
    this.#acquiring ??= (async () => {
      const knex = db.connection().getWriteClient()
      const connection: Connection = await knex.client.acquireConnection()
      knex.client.releaseConnection(connection)
      // The pool replaced its connection: statements belong to the old one.
      if (connection !== this.#connection) this.#statements.clear()
      this.#connection = connection
      return connection
    })().finally(() => {
      this.#acquiring = null
    })
    return this.#acquiring
  }
}

export const mainSqlite = new MainSqlite()
