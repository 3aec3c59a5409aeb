// Flat config. Per-folder import bans enforce the layering of ../shared/STYLE.md:
// the folder says where code runs.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'node:*',
  'fs',
  'path',
  'os',
  'crypto',
  'child_process',
  'net',
  'http',
  'https',
  'stream',
  'util',
  'worker_threads',
];
const ban = (groups, message) => ({ group: groups, message });

/**
 * The relay's rooms, one folder each (README › Layout). A room imports rooms below it, never above:
 * core (errors, logs, metrics, limits) imports no room; data (store, records, visibility,
 * migrations) imports only core; no room imports the wiring (server, cli, index, wiring/). Flat config
 * replaces a rule per file match, so each block repeats the relay-wide bans.
 */
function relayRooms() {
  const relayWide = [
    ban(['electron', 'electron/*'], 'The relay is a server: no Electron.'),
    ban(
      ['**/main/**', '**/preload/**', '**/renderer/**'],
      'The relay never imports main, preload or renderer.',
    ),
  ];
  const rooms = [
    'core',
    'data',
    'identity',
    'sync',
    'http',
    'channels',
    'routing',
    'voice',
    'updates',
    'demo',
    'sla',
  ];
  const wiring = ban(
    [
      '../server',
      '../../server',
      '../cli',
      '../../cli',
      '../index',
      '../../index',
      '../wiring/**',
      '../../wiring/**',
    ],
    'A room of the relay never imports its wiring (server, cli, index, wiring/): the wiring imports the rooms.',
  );
  const only = (room, allowed) =>
    ban(
      rooms
        .filter((r) => r !== room && !allowed.includes(r))
        // Relative forms only, from a room's files and its subfolders: `**/sync/**` would also catch shared/sync.
        .flatMap((r) => [`../${r}`, `../${r}/**`, `../../${r}`, `../../${r}/**`]),
      `The relay's ${room} room is below the others: it imports ${allowed.length ? allowed.join(', ') + ' and ' : ''}shared only.`,
    );
  const block = (files, patterns) => ({
    files,
    rules: { 'no-restricted-imports': ['error', { patterns: [...relayWide, ...patterns] }] },
  });
  return [
    block(['src/relay/**/*.ts'], []),
    block(['src/relay/*/**/*.ts'], [wiring]),
    block(['src/relay/core/**/*.ts'], [wiring, only('core', [])]),
    block(['src/relay/data/**/*.ts'], [wiring, only('data', ['core'])]),
  ];
}

/**
 * The layers of src/main, top to bottom, and what each may import (besides src/shared and npm
 * packages); one table, as VS Code's code-layering keeps one. The hosts (Electron, the browser host,
 * boot.ts) wire the app: they reach the data only through the API and the services.
 *   api       maps each channel of the contract to a service, in one line (api/handlers.ts)
 *   services  the domain: session, customers, conversations, calls, attachments, team settings...
 *   sync      the sync client (the relay's socket, push, pull, auth)
 *   keychain  the OS keychain and the cache's key (CacheVault opens the store)
 *   store     the encrypted SQLite cache: records, outbox, queries, migrations
 *   updater   the signed update feed and install policy (used by the Electron host)
 *   security  app-origin policy, static files, private files and folders
 *   base      what knows no domain: logger, main's error codes, JSON files, the event hub
 * Tests may set up lower layers (a store with rows under a service's test), so they are exempt.
 */
const MAIN_LAYERS = {
  hosts: ['api', 'services', 'updater', 'security', 'base'],
  api: ['services', 'base'],
  services: ['sync', 'keychain', 'store', 'security', 'base'],
  sync: ['store', 'base'],
  keychain: ['store', 'base'],
  store: ['security', 'base'],
  updater: ['base'],
  security: ['base'],
  base: [],
};
/** The folders of each layer; the hosts also have boot.ts at the top of src/main. */
const MAIN_FOLDERS = { hosts: ['electron', 'browserHost'] };

function mainLayers() {
  const folders = (layer) => MAIN_FOLDERS[layer] ?? [layer];
  const all = Object.keys(MAIN_LAYERS).flatMap(folders);
  const mainWide = [
    ban(['**/renderer/**', '**/relay/**'], 'src/main does not import the renderer or the relay.'),
  ];
  const noElectron = ban(
    ['electron', 'electron/*'],
    'Only src/main/electron imports Electron; services must run under plain Node.',
  );
  // Relative forms only, as for the relay's rooms: `**/sync/**` would also catch shared/sync.
  const forms = (prefixes, f) => prefixes.flatMap((p) => [`${p}${f}`, `${p}${f}/**`]);
  // A folder imports itself and the layers below its own; the two hosts import neither the other.
  const only = (layer, folder, prefixes) => {
    const allowed = [folder, ...MAIN_LAYERS[layer].flatMap(folders)];
    const banned = all.filter((f) => !allowed.includes(f));
    return ban(
      banned.flatMap((f) => forms(prefixes, f)),
      `In src/main the ${layer} layer imports ${MAIN_LAYERS[layer].join(', ') || 'no other layer'} (and shared): see the layer map in eslint.config.js.`,
    );
  };
  const block = (files, patterns, ignores = []) => ({
    files,
    ignores: ['src/main/**/*.test.ts', ...ignores],
    rules: { 'no-restricted-imports': ['error', { patterns: [...mainWide, ...patterns] }] },
  });
  return [
    // Every file of main, tests too: no renderer or relay; Electron only in src/main/electron.
    {
      files: ['src/main/**/*.ts'],
      ignores: ['src/main/electron/**'],
      rules: { 'no-restricted-imports': ['error', { patterns: [...mainWide, noElectron] }] },
    },
    {
      files: ['src/main/electron/**/*.ts'],
      rules: { 'no-restricted-imports': ['error', { patterns: mainWide }] },
    },
    block(['src/main/*.ts'], [noElectron, only('hosts', null, ['./'])]),
    ...Object.keys(MAIN_LAYERS).flatMap((layer) =>
      folders(layer).map((f) =>
        block(
          [`src/main/${f}/**/*.ts`],
          [...(f === 'electron' ? [] : [noElectron]), only(layer, f, ['../', '../../'])],
        ),
      ),
    ),
  ];
}

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'release/**',
      'node_modules/**',
      '.test-results/**',
      'test-results/**',
      'playwright-report/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-definitions': ['error', 'type'],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ban(
              ['electron', 'electron/*'],
              'The renderer never imports Electron: use the app API (src/shared/api.ts).',
            ),
            ban(
              nodeBuiltins,
              'The renderer never imports Node built-ins: ask the main side through the app API.',
            ),
            ban(
              ['**/main/**', '**/preload/**', '**/relay/**'],
              'The renderer imports only src/shared and itself.',
            ),
          ],
        },
      ],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ban(['electron', 'electron/*'], 'src/shared is pure TypeScript: no Electron.'),
            ban(nodeBuiltins, 'src/shared is pure TypeScript: no Node built-ins.'),
            ban(
              ['**/main/**', '**/preload/**', '**/renderer/**', '**/relay/**'],
              'src/shared imports nothing of the app.',
            ),
          ],
        },
      ],
    },
  },
  ...relayRooms(),
  ...mainLayers(),
  {
    // IT's release tool runs under plain Node on IT's machine.
    files: ['src/release/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ban(['electron', 'electron/*'], 'The release tool runs under plain Node.'),
            ban(
              ['**/renderer/**', '**/relay/**', '**/preload/**'],
              'The release tool talks to the relay over HTTP only.',
            ),
          ],
        },
      ],
    },
  },
  {
    // The web chat widget runs on customers' web pages, bundled into one script: it imports only its
    // own modules, and every text goes in as textContent. (Its tests may import vitest.)
    files: ['src/widget/**/*.ts'],
    ignores: ['src/widget/**/*.test.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\./)',
              message:
                "The widget runs on customers' pages: it imports only its own modules (./x), nothing of the app, the relay, Node or npm.",
            },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        ...['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'write', 'writeln'].map((property) => ({
          property,
          message:
            'The widget inserts text with textContent, never markup: a visitor could be sent anything.',
        })),
      ],
    },
  },
  {
    files: ['src/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ban(nodeBuiltins, 'The sandboxed preload cannot load Node built-ins.'),
            ban(
              ['**/main/**', '**/renderer/**', '**/relay/**'],
              'The preload only marshals the shared contract.',
            ),
          ],
        },
      ],
    },
  },
  {
    files: ['scripts/**', 'bench/**', 'tests/**', 'e2e/**', '*.config.*'],
    rules: { 'no-console': 'off' },
  },
);
