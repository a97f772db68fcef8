// Test helper process: writes `count` ownership records for `owner` into the local (Docker) state
// file, as parallel devnet-kit processes do. Usage: meta-writer.ts <owner> <count>

import { metaStore } from '../../lib/backends/metadata.js';
import { createContext } from '../../lib/context.js';

const [owner = 'alice', count = '100'] = process.argv.slice(2);
const store = metaStore(createContext({ owner, config: {} }));
for (let i = 0; i < Number(count); i++) {
  const uuid = `writer-${owner}-${String(i).padStart(6, '0')}`;
  await store.write({ uuid, name: `${owner}-${i}` }, { owner });
}
