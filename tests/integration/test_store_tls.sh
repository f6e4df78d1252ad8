#!/usr/bin/env bash
# test_store_tls.sh - https is the default and certificates are checked: an endpoint without a scheme is reached
# over TLS; a certificate the client cannot verify stops the task (no retry loop, no write, nothing committed)
# with an error that says so; with store.tls.ca.file naming the CA, the same endpoint works.
. "$(dirname "$0")/lib.sh"

mock_start --topic tl:1
oss_gateway_start --bucket tlsb
dir=$(kco_tmpdir)
# a CA and a certificate for 127.0.0.1 / localhost signed by it
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=kco test CA" -keyout "$dir/ca.key" \
        -out "$dir/ca.pem" 2>/dev/null || fail "openssl CA"
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$dir/srv.key" -out "$dir/srv.csr" \
        2>/dev/null || fail "openssl CSR"
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:*.localhost\n' >"$dir/ext.cnf"
openssl x509 -req -in "$dir/srv.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial -days 2 \
        -extfile "$dir/ext.cnf" -out "$dir/srv.pem" 2>/dev/null || fail "openssl sign"
_kco_node_start tls tls-proxy.mjs --target "$OSS_GW_ENDPOINT" --cert "$dir/srv.pem" --key "$dir/srv.key"
TLS_PID=$_kco_node_pid TLS_FD=$_kco_node_fd TLS_ENDPOINT=$_kco_node_listen
kco_on_exit "_kco_node_stop TLS_PID"

for i in $(seq 0 19); do printf '{"n":%d}\n' "$i"; done | produce tl 0
worker_props "$dir/worker.properties"
oss=(topics=tl flush.size=10 storage.class=oss oss.bucket=tlsb "oss.region=$OSS_GW_REGION"
        "oss.access.key.id=$OSS_GW_ID" "oss.access.key.secret=$OSS_GW_SECRET")

note "an unknown CA: refused, the task stops"
connector_props "$dir/untrusted.properties" name=tls-untrusted "${oss[@]}" "oss.endpoint=https://$TLS_ENDPOINT"
worker_start "$dir/worker.properties" "$dir/untrusted.properties"
worker_wait 30
assert_eq 1 "$WORKER_RC" "exit status with an unverifiable certificate"
grep -qiE 'certificate' "$WORKER_LOG" || fail "the error does not mention the certificate"
assert_eq 0 "$(find "$OSS_GW_DIR/tlsb" -type f 2>/dev/null | wc -l)" "objects written"
assert_eq -1001 "$(mock_committed connect-tls-untrusted tl 0 | cut -d' ' -f1)" "committed offset"

note "the CA given: https works, and is the default without a scheme"
connector_props "$dir/trusted.properties" name=tls-trusted "${oss[@]}" "oss.endpoint=$TLS_ENDPOINT" \
        "store.tls.ca.file=$dir/ca.pem"
worker_start "$dir/worker.properties" "$dir/trusted.properties"
wait_for -t 30 at_least 2 count_files "$OSS_GW_DIR/tlsb" '*.json'
worker_stop
grep -q 'at https://' "$WORKER_LOG" || fail "the store did not use https"
