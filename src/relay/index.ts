// Public surface of the relay for embedding (tests, `npm start`) and the CLI.
export { startRelay, type Relay } from './server';
export type { RelayOptions } from './options';
export { seedDemoData, type SeedOptions, type SeedSummary } from './demo/seed';
export { createAdmin } from './identity/admin';
