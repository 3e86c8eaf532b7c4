#!/bin/bash
# mailservers.sh start|stop|stop-smtp|start-smtp DIR -- Dovecot IMAP/IMAPS/LMTP + aiosmtpd SMTP
# on 127.0.0.1 for the mail tests (adapters/server/tests/mail.rs); from ../shared/tools/mail.
# needs: apt-get install -y dovecot-imapd dovecot-lmtpd openssl; pip install aiosmtpd
set -euo pipefail
cmd=${1:?start|stop}; DIR=$(realpath -m "${2:?dir}"); HERE=$(dirname "$(realpath "$0")")
IMAP_PORT=${IMAP_PORT:-14143}; IMAPS_PORT=${IMAPS_PORT:-14993}
LMTP_PORT=${LMTP_PORT:-14024}; SMTP_PORT=${SMTP_PORT:-14025}
# Ports come from the environment (the tests pick free ones); defaults as the reference.
start_smtp() {
  python3 "$HERE/smtp_sink.py" "$DIR" "$SMTP_PORT" "$LMTP_PORT" > "$DIR/smtp.log" 2>&1 &
  echo $! > "$DIR/smtp.pid"
  for i in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$SMTP_PORT) 2>/dev/null && return 0; sleep 0.1; done
  echo "SMTP server did not come up" >&2; cat "$DIR/smtp.log" >&2; return 1
}
if [ "$cmd" = stop-smtp ]; then   # kill only the SMTP server (delivery retry scenarios)
  [ -f "$DIR/smtp.pid" ] && kill "$(cat "$DIR/smtp.pid")" 2>/dev/null || true
  for i in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$SMTP_PORT) 2>/dev/null || exit 0; sleep 0.1; done
  exit 0
fi
if [ "$cmd" = start-smtp ]; then start_smtp; exit $?; fi
if [ "$cmd" = stop ]; then
  [ -f "$DIR/smtp.pid" ] && kill "$(cat "$DIR/smtp.pid")" 2>/dev/null || true
  doveadm -c "$DIR/dovecot.conf" stop 2>/dev/null || true
  exit 0
fi
mkdir -p "$DIR"/{run,state,mail}
if [ "$(id -u)" = 0 ]; then   # dovecot refuses uid 0 for mail and for login processes
  chmod 755 "$DIR"            # its auth and mail processes must traverse DIR (mktemp -d makes it 0700)
  U=dovecot; G=dovecot; LU=dovenull; MU=$(id -u nobody); MG=$(id -g nobody); chown "$MU:$MG" "$DIR/mail"
else U=$(id -un); G=$(id -gn); LU=$U; MU=$(id -u); MG=$(id -g); fi
printf 'alice:{PLAIN}secret::::::\nbob:{PLAIN}secret::::::\n' > "$DIR/users"
[ -f "$DIR/key.pem" ] || openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -addext basicConstraints=critical,CA:FALSE \
  -keyout "$DIR/key.pem" -out "$DIR/cert.pem" 2>/dev/null
cat > "$DIR/dovecot.conf" <<CONF
base_dir = $DIR/run
state_dir = $DIR/state
instance_name = dovecot-test-$IMAP_PORT
log_path = $DIR/dovecot.log
protocols = imap lmtp
listen = 127.0.0.1
ssl = yes
ssl_cert = <$DIR/cert.pem
ssl_key = <$DIR/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%n $DIR/users
}
userdb {
  driver = static
  args = uid=$MU gid=$MG home=$DIR/mail/%n
}
mail_location = maildir:~/Maildir
first_valid_uid = 0
default_internal_user = $U
default_internal_group = $G
default_login_user = $LU
service anvil {
  chroot =
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = $IMAP_PORT
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $IMAPS_PORT
    ssl = yes
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = $LMTP_PORT
  }
}
protocol lmtp {
  postmaster_address = postmaster@localhost
}
CONF
dovecot -c "$DIR/dovecot.conf"      # daemonizes (use -F to stay in the foreground)
if [ -z "${NO_SMTP:-}" ]; then
  python3 "$HERE/smtp_sink.py" "$DIR" "$SMTP_PORT" "$LMTP_PORT" > "$DIR/smtp.log" 2>&1 &
  echo $! > "$DIR/smtp.pid"
fi
for i in $(seq 50); do   # bounded wait: IMAP greeting + SMTP port
  ( exec 3<>/dev/tcp/127.0.0.1/$IMAP_PORT && read -r -t 2 l <&3 && [[ $l == "* OK"* ]] ) 2>/dev/null &&
    { [ -n "${NO_SMTP:-}" ] || (exec 3<>/dev/tcp/127.0.0.1/$SMTP_PORT) 2>/dev/null; } && exit 0
  sleep 0.1
done
echo "mail servers did not come up" >&2; cat "$DIR/dovecot.log" "$DIR/smtp.log" >&2 || true; exit 1
