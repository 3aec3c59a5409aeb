#!/usr/bin/env bash
# Installs the Debian packages the workstation and its tests need, if missing (needs root or sudo).
#   chromium                 end-to-end tests and benchmarks (Playwright drives Debian's Chromium)
#   fonts-noto-cjk           Chinese text in that Chromium (the font stacks name Noto Sans CJK SC/TC);
#                            without it every Chinese name renders as a row of boxes
#   gnome-keyring, dbus-x11  a real Secret Service for the keychain tests
#   python3, make, g++       building the encrypted SQLite addon from source at npm ci
#   kamailio, kamailio-websocket-modules  the SIP server of the softphone end-to-end tests
#   kamailio-tls-modules, openssl         its wss listener, on a certificate made at test time
#   kamailio-extra-modules, kamailio-json-modules  call queues: evapi (the relay's socket) and
#                                         jansson (reading the relay's answers), deploy/kamailio
#   dovecot-imapd, postfix   the real IMAP and SMTP servers of the email channel's tests; each test
#                            starts its own on 127.0.0.1 from a temp dir (tests/support/mail.ts), so
#                            the system instances are stopped and disabled right after installing
#   postgresql, nats-server  the scale-out store and fan-out (#15); tests start their own throwaway
#                            cluster and server on 127.0.0.1 (tests/support/postgres.ts, nats.ts), so
#                            the system services are stopped and disabled the same way
set -euo pipefail
PKGS=(chromium gnome-keyring dbus-x11 python3 make g++ kamailio kamailio-websocket-modules kamailio-tls-modules openssl
  kamailio-extra-modules kamailio-json-modules dovecot-imapd postfix postgresql nats-server fonts-noto-cjk)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present (${PKGS[*]})"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "system packages: installing ${missing[*]}"
# Postfix asks what kind of mail system this is: none; the tests bring their own configuration.
echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# No system mail server keeps running (or starts at boot) on this machine's ports.
for svc in dovecot postfix postgresql nats-server; do
  $SUDO systemctl disable --now "$svc" >/dev/null 2>&1 || $SUDO service "$svc" stop >/dev/null 2>&1 || true
done
echo "system packages: installed ${missing[*]}"
