/**
 * The one LiveStore schema shared by the browser (leader worker, React) and the server (sync
 * endpoint, generation). Keep this module free of React and Node-only imports: the browser's
 * worker bundles it.
 *
 * Rules for changing it (LiveStore has no log compaction, every event ever written is replayed):
 * - Never change the meaning or the args of an existing event name; add `v2.Xxx` instead and keep
 *   the old materializer.
 * - Materializers must be idempotent (insert-or-ignore, plain "set" updates): a duplicate event
 *   would otherwise fail with a UNIQUE error on every client and wedge their sync.
 * - Times are epoch milliseconds (integers) so the server projection and the UI read them alike.
 */
import { Events, makeSchema, Schema, SessionIdSymbol, State } from '@livestore/livestore'

/* ------------------------------------------------------------------------------------------------
 * Limits. The server enforces them by decoding every pushed event with these schemas; the client
 * hits the same limits at commit time, so a too-long message fails locally instead of wedging sync.
 * --------------------------------------------------------------------------------------------- */

export const LIMITS = {
  idLength: 128,
  titleLength: 500,
  modelIdLength: 200,
  /** A user's message (characters). */
  userMessageText: 64 * 1024,
  /** An assistant answer (characters); the generation truncates beyond this. */
  assistantMessageText: 256 * 1024,
  systemPromptLength: 32 * 1024,
  /** A chat's sampling temperature (inclusive); null in the event = the model's default. */
  temperatureMin: 0,
  temperatureMax: 2,
  errorLength: 2000,
  finishReasonLength: 100,
} as const

const Id = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(LIMITS.idLength))
const Millis = Schema.Int.pipe(Schema.nonNegative())
const Title = Schema.String.pipe(Schema.maxLength(LIMITS.titleLength))
const ModelId = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(LIMITS.modelIdLength))
const Temperature = Schema.Number.pipe(Schema.between(LIMITS.temperatureMin, LIMITS.temperatureMax))
const SystemPrompt = Schema.String.pipe(Schema.maxLength(LIMITS.systemPromptLength))
const UserText = Schema.String.pipe(Schema.maxLength(LIMITS.userMessageText))
const AssistantText = Schema.String.pipe(Schema.maxLength(LIMITS.assistantMessageText))
const TokenCount = Schema.Int.pipe(Schema.nonNegative())

export const MessageRole = Schema.Literal('user', 'assistant')
export type MessageRole = typeof MessageRole.Type

/**
 * `streaming`: started, checkpoints may follow. The rest are final states written by
 * `v1.AssistantMessageFinished` (`interrupted` = the server restarted mid-answer).
 */
export const MessageStatus = Schema.Literal(
  'complete',
  'streaming',
  'stopped',
  'error',
  'interrupted'
)
export type MessageStatus = typeof MessageStatus.Type

export const FinalMessageStatus = Schema.Literal('complete', 'stopped', 'error', 'interrupted')
export type FinalMessageStatus = typeof FinalMessageStatus.Type

export const Usage = Schema.Struct({ inputTokens: TokenCount, outputTokens: TokenCount })
export type Usage = typeof Usage.Type

/* ------------------------------------------------------------------------------------------------
 * State (the browser's SQLite; the server mirrors it into its own `chats`/`messages` tables)
 * --------------------------------------------------------------------------------------------- */

export const tables = {
  chats: State.SQLite.table({
    name: 'chats',
    columns: {
      id: State.SQLite.text({ primaryKey: true }),
      title: State.SQLite.text({ default: '' }),
      model: State.SQLite.text({ default: '' }),
      systemPrompt: State.SQLite.text({ nullable: true }),
      temperature: State.SQLite.real({ nullable: true }),
      pinned: State.SQLite.boolean({ default: false }),
      /** The message at the tip of the branch shown (null: follow the newest message). */
      activeLeafId: State.SQLite.text({ nullable: true }),
      createdAt: State.SQLite.integer({ default: 0 }),
      /** Last activity (creation or a new message): the sidebar sorts by it. */
      updatedAt: State.SQLite.integer({ default: 0 }),
      /** Soft delete: set by ChatDeleted, cleared by ChatRestored (undo). */
      deletedAt: State.SQLite.integer({ nullable: true }),
    },
    indexes: [{ name: 'chats_updated_at', columns: ['updatedAt'] }],
  }),
  messages: State.SQLite.table({
    name: 'messages',
    columns: {
      id: State.SQLite.text({ primaryKey: true }),
      chatId: State.SQLite.text(),
      /** Previous message on this branch; null for the first message of a chat. */
      parentId: State.SQLite.text({ nullable: true }),
      role: State.SQLite.text({ schema: MessageRole }),
      text: State.SQLite.text({ default: '' }),
      status: State.SQLite.text({ schema: MessageStatus, default: 'complete' }),
      /** The model that answered (assistant messages). */
      model: State.SQLite.text({ nullable: true }),
      finishReason: State.SQLite.text({ nullable: true }),
      error: State.SQLite.text({ nullable: true }),
      usage: State.SQLite.json({ schema: Usage, nullable: true }),
      costMicros: State.SQLite.integer({ nullable: true }),
      /**
       * The prompt of this answer was trimmed to the model's context window: the oldest path
       * message it was given (the thread shows its cut marker above it). Null: the whole path.
       */
      contextStartId: State.SQLite.text({ nullable: true }),
      createdAt: State.SQLite.integer({ default: 0 }),
    },
    indexes: [
      { name: 'messages_chat_id', columns: ['chatId', 'createdAt'] },
      { name: 'messages_parent_id', columns: ['parentId'] },
    ],
  }),
  /**
   * Per-tab UI state that never leaves the device (client-only events, never pushed).
   * Extend freely: fields must have defaults.
   */
  uiState: State.SQLite.clientDocument({
    name: 'uiState',
    schema: Schema.Struct({ currentChatId: Schema.NullOr(Schema.String) }),
    default: { id: SessionIdSymbol, value: { currentChatId: null } },
  }),
  /** Unsent composer text per chat (id = chat id), kept on the device only. */
  composerDrafts: State.SQLite.clientDocument({
    name: 'composerDrafts',
    schema: Schema.Struct({ text: Schema.String }),
    default: { value: { text: '' } },
  }),
}

export type ChatRow = typeof tables.chats.Type
export type MessageRow = typeof tables.messages.Type

/* ------------------------------------------------------------------------------------------------
 * Events
 * --------------------------------------------------------------------------------------------- */

export const events = {
  // Chats (client)
  chatCreated: Events.synced({
    name: 'v1.ChatCreated',
    schema: Schema.Struct({ id: Id, title: Title, model: ModelId, createdAt: Millis }),
  }),
  chatRenamed: Events.synced({
    name: 'v1.ChatRenamed',
    schema: Schema.Struct({ id: Id, title: Title }),
  }),
  chatPinned: Events.synced({ name: 'v1.ChatPinned', schema: Schema.Struct({ id: Id }) }),
  chatUnpinned: Events.synced({ name: 'v1.ChatUnpinned', schema: Schema.Struct({ id: Id }) }),
  chatDeleted: Events.synced({
    name: 'v1.ChatDeleted',
    schema: Schema.Struct({ id: Id, deletedAt: Millis }),
  }),
  chatRestored: Events.synced({ name: 'v1.ChatRestored', schema: Schema.Struct({ id: Id }) }),
  chatModelSet: Events.synced({
    name: 'v1.ChatModelSet',
    schema: Schema.Struct({ id: Id, model: ModelId }),
  }),
  /** null = the product default. */
  chatSettingsSet: Events.synced({
    name: 'v1.ChatSettingsSet',
    schema: Schema.Struct({
      id: Id,
      systemPrompt: Schema.NullOr(SystemPrompt),
      temperature: Schema.NullOr(Temperature),
    }),
  }),
  /** Branch navigation (< 2/3 >): which leaf the chat shows. */
  chatActiveLeafSet: Events.synced({
    name: 'v1.ChatActiveLeafSet',
    schema: Schema.Struct({ id: Id, activeLeafId: Schema.NullOr(Id) }),
  }),

  // Messages (client)
  /** Also makes the new message the chat's active leaf. Edit-and-resend = a sibling (same parent). */
  userMessageSent: Events.synced({
    name: 'v1.UserMessageSent',
    schema: Schema.Struct({
      id: Id,
      chatId: Id,
      parentId: Schema.NullOr(Id),
      text: UserText,
      createdAt: Millis,
    }),
  }),

  // Messages (server only: the generation writes them, clients may not push them)
  /** Also makes the answer the chat's active leaf. */
  assistantMessageStarted: Events.synced({
    name: 'v1.AssistantMessageStarted',
    schema: Schema.Struct({
      id: Id,
      chatId: Id,
      parentId: Schema.NullOr(Id),
      model: ModelId,
      createdAt: Millis,
    }),
  }),
  /** The full text so far (not a delta), at most every couple of seconds; ignored once finished. */
  assistantTextCheckpoint: Events.synced({
    name: 'v1.AssistantTextCheckpoint',
    schema: Schema.Struct({ id: Id, text: AssistantText }),
  }),
  assistantMessageFinished: Events.synced({
    name: 'v1.AssistantMessageFinished',
    schema: Schema.Struct({
      id: Id,
      text: AssistantText,
      status: FinalMessageStatus,
      finishReason: Schema.NullOr(Schema.String.pipe(Schema.maxLength(LIMITS.finishReasonLength))),
      error: Schema.optional(
        Schema.NullOr(Schema.String.pipe(Schema.maxLength(LIMITS.errorLength)))
      ),
      usage: Schema.NullOr(Usage),
      costMicros: Schema.optional(Schema.NullOr(Schema.Int.pipe(Schema.nonNegative()))),
      model: ModelId,
      /** Added later (optional, so older events still decode): see `messages.contextStartId`. */
      contextStartId: Schema.optional(Schema.NullOr(Id)),
    }),
  }),

  // Client-only document setters (never synced)
  uiStateSet: tables.uiState.set,
  composerDraftSet: tables.composerDrafts.set,
}

/* ------------------------------------------------------------------------------------------------
 * Materializers: idempotent. Inserts ignore conflicts; updates set values.
 * --------------------------------------------------------------------------------------------- */

/*
| The events every chat and message writes (a long history is mostly these) are plain SQL: a new
| device applies each of them once per event it pulls, and LiveStore turns a query-builder
| statement into SQL again for every event (with a schema encode of every value). As SQL they
| cost a new device pulling 20,000 messages about 20% less CPU. The rare events keep the builder.
| Same statements as the builder writes; `$name` binds the arg of that name.
*/
const CHATS: ReadonlySet<string> = new Set(['chats'])
const MESSAGES: ReadonlySet<string> = new Set(['messages'])

const insertChat = {
  sql: `INSERT INTO 'chats' ("id", "title", "model", "createdAt", "updatedAt") VALUES ($id, $title, $model, $createdAt, $createdAt) ON CONFLICT ("id") DO NOTHING`,
  writeTables: CHATS,
}
const insertUserMessage = {
  sql: `INSERT INTO 'messages' ("id", "chatId", "parentId", "role", "text", "status", "createdAt") VALUES ($id, $chatId, $parentId, 'user', $text, 'complete', $createdAt) ON CONFLICT ("id") DO NOTHING`,
  writeTables: MESSAGES,
}
const insertAssistantMessage = {
  sql: `INSERT INTO 'messages' ("id", "chatId", "parentId", "role", "text", "status", "model", "createdAt") VALUES ($id, $chatId, $parentId, 'assistant', '', 'streaming', $model, $createdAt) ON CONFLICT ("id") DO NOTHING`,
  writeTables: MESSAGES,
}
/* A new message becomes its chat's active leaf and last activity. */
const touchChat = {
  sql: `UPDATE 'chats' SET "activeLeafId" = $id, "updatedAt" = $createdAt WHERE "id" = $chatId`,
  writeTables: CHATS,
}
/* Only while streaming: a late checkpoint must not overwrite the finished text. */
const checkpointText = {
  sql: `UPDATE 'messages' SET "text" = $text WHERE "id" = $id AND "status" = 'streaming'`,
  writeTables: MESSAGES,
}

const materializers = State.SQLite.materializers(events, {
  'v1.ChatCreated': ({ id, title, model, createdAt }) => ({
    ...insertChat,
    bindValues: { id, title, model, createdAt },
  }),
  'v1.ChatRenamed': ({ id, title }) => tables.chats.update({ title }).where({ id }),
  'v1.ChatPinned': ({ id }) => tables.chats.update({ pinned: true }).where({ id }),
  'v1.ChatUnpinned': ({ id }) => tables.chats.update({ pinned: false }).where({ id }),
  'v1.ChatDeleted': ({ id, deletedAt }) => tables.chats.update({ deletedAt }).where({ id }),
  'v1.ChatRestored': ({ id }) => tables.chats.update({ deletedAt: null }).where({ id }),
  'v1.ChatModelSet': ({ id, model }) => tables.chats.update({ model }).where({ id }),
  'v1.ChatSettingsSet': ({ id, systemPrompt, temperature }) =>
    tables.chats.update({ systemPrompt, temperature }).where({ id }),
  'v1.ChatActiveLeafSet': ({ id, activeLeafId }) =>
    tables.chats.update({ activeLeafId }).where({ id }),

  'v1.UserMessageSent': ({ id, chatId, parentId, text, createdAt }) => [
    { ...insertUserMessage, bindValues: { id, chatId, parentId, text, createdAt } },
    { ...touchChat, bindValues: { id, chatId, createdAt } },
  ],

  'v1.AssistantMessageStarted': ({ id, chatId, parentId, model, createdAt }) => [
    { ...insertAssistantMessage, bindValues: { id, chatId, parentId, model, createdAt } },
    { ...touchChat, bindValues: { id, chatId, createdAt } },
  ],
  'v1.AssistantTextCheckpoint': ({ id, text }) => ({ ...checkpointText, bindValues: { id, text } }),
  'v1.AssistantMessageFinished': ({
    id,
    text,
    status,
    finishReason,
    error,
    usage,
    costMicros,
    model,
    contextStartId,
  }) =>
    tables.messages
      .update({
        text,
        status,
        finishReason,
        error: error ?? null,
        usage,
        costMicros: costMicros ?? null,
        model,
        contextStartId: contextStartId ?? null,
      })
      .where({ id }),
})

const state = State.SQLite.makeState({ tables, materializers })

export const schema = makeSchema({ events, state })

/* ------------------------------------------------------------------------------------------------
 * Who may write what. The sync server refuses a client push containing anything else.
 * --------------------------------------------------------------------------------------------- */

/** Synced events a browser may push. */
export const CLIENT_EVENT_NAMES = [
  'v1.ChatCreated',
  'v1.ChatRenamed',
  'v1.ChatPinned',
  'v1.ChatUnpinned',
  'v1.ChatDeleted',
  'v1.ChatRestored',
  'v1.ChatModelSet',
  'v1.ChatSettingsSet',
  'v1.ChatActiveLeafSet',
  'v1.UserMessageSent',
] as const

/** Synced events only the server appends (through the sync service). */
export const SERVER_EVENT_NAMES = [
  'v1.AssistantMessageStarted',
  'v1.AssistantTextCheckpoint',
  'v1.AssistantMessageFinished',
] as const

export type ClientEventName = (typeof CLIENT_EVENT_NAMES)[number]
export type ServerEventName = (typeof SERVER_EVENT_NAMES)[number]
export type SyncedEventName = ClientEventName | ServerEventName

/** The per-user store id; the sync server accepts no other for a session. */
export const storeIdForUser = (userId: string | number) => `user-${userId}`
