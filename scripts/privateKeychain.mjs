// The cache key belongs in the OS keychain. A desktop session has one; a bare console or SSH
// session has no Secret Service, so `npm start` runs the app in a private D-Bus session with an
// unlocked gnome-keyring (password from SWITCHBOARD_KEYRING_PASSWORD). The daemon forks away from
// the wrapper but stays in its process group, which is how stopping ends it too.
import { spawnSync } from 'node:child_process';

const onPath = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;

/** `[cmd, args]` to run the app with a keychain: as is, or inside a private D-Bus session. */
export function keychainCommand(cmd, cmdArgs) {
  if (
    process.env.DBUS_SESSION_BUS_ADDRESS ||
    !onPath('dbus-run-session') ||
    !onPath('gnome-keyring-daemon')
  ) {
    return [cmd, cmdArgs];
  }
  console.log('No desktop keychain session: starting gnome-keyring in a private D-Bus session for the app.');
  const script =
    'printf %s "$SWITCHBOARD_KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec "$@"';
  return ['dbus-run-session', ['--', 'sh', '-c', script, 'sh', cmd, ...cmdArgs]];
}
