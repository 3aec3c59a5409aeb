// The npm registry reachable here serves only the platform packages this machine can use, so
// `npm install` leaves other platforms' optional binaries (@rollup/rollup-darwin-x64, ...) out of
// package-lock.json, and `npm ci` then refuses the lock as out of sync. This adds the entries npm
// would have written elsewhere: optional, with os/cpu/libc, so npm skips them on other platforms.
// Run after every `npm install`: `node scripts/lock-foreign-optionals.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';

const OS = [
  'android',
  'darwin',
  'freebsd',
  'linux',
  'openbsd',
  'openharmony',
  'win32',
  'sunos',
  'aix',
  'netbsd',
];
const CPU = ['arm64', 'x64', 'ia32', 'arm', 'loong64', 'ppc64', 'riscv64', 's390x', 'mips64el'];

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
let added = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const base = path ? `${path}/node_modules/${name}` : `node_modules/${name}`;
    const hoisted = `node_modules/${name}`;
    if (lock.packages[base] || lock.packages[hoisted]) continue;
    const parts = name.split('/').pop().split('-');
    const os = parts.find((p) => OS.includes(p));
    const cpu = parts.find((p) => CPU.includes(p));
    if (!os || !cpu) continue; // not a platform binary: leave it to npm
    const stub = { version, cpu: [cpu], dev: entry.dev, license: 'MIT', optional: true, os: [os] };
    if (!entry.dev) delete stub.dev;
    if (os === 'linux' && parts.includes('musl')) stub.libc = ['musl'];
    if (os === 'linux' && (parts.includes('gnu') || parts.includes('gnueabihf'))) stub.libc = ['glibc'];
    lock.packages[hoisted] = stub;
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
writeFileSync('package-lock.json', JSON.stringify(lock, null, 2) + '\n');
console.log(`lock: added ${added} platform-specific optional entries`);
