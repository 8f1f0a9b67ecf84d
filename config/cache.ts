import { defineConfig, store, drivers } from '@adonisjs/cache'

/*
| Memory L1 in front of tmp/cache.sqlite L2: hot reads never leave the
| process, and cached values survive a restart.
*/
const cacheConfig = defineConfig({
  default: 'default',
  stores: {
    memoryOnly: store().useL1Layer(drivers.memory({ maxSize: '64mb' })),
    default: store()
      .useL1Layer(drivers.memory({ maxSize: '64mb' }))
      .useL2Layer(
        drivers.database({ connectionName: 'cache', autoCreateTable: true, tableName: 'cache' })
      ),
  },
})

export default cacheConfig

declare module '@adonisjs/cache/types' {
  interface CacheStores extends InferStores<typeof cacheConfig> {}
}
