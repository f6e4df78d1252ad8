#!/usr/bin/env bash
# test_harness_smoke.sh - the harness itself works: the mock broker starts,
# kcat round-trips 1,000 messages through it, control commands answer, and
# committed offsets (with metadata) can be read back. No worker involved.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

mock_start --brokers 3 --topic smoke:4
[[ $BOOTSTRAP == 127.0.0.1:*,127.0.0.1:*,127.0.0.1:* ]] || fail "odd BOOTSTRAP '$BOOTSTRAP'"

dir=$(kco_tmpdir)
for i in $(seq 1 1000); do
        printf 'message %04d {"n":%d} ünï\n' "$i" "$i"
done >"$dir/sent.txt"

note "produce 1000 lines to smoke [2]"
produce smoke 2 <"$dir/sent.txt"
consume_partition smoke 2 >"$dir/got.txt"
assert_eq 1000 "$(wc -l <"$dir/got.txt")" "messages in smoke [2]"
cmp -s "$dir/sent.txt" "$dir/got.txt" || fail "smoke [2] content differs from what was produced"
assert_eq 0 "$(consume_partition smoke 1 | wc -l)" "messages in smoke [1]"
consume_all smoke '%p %o\n' >"$dir/all.txt"
assert_eq "2 999" "$(tail -n 1 "$dir/all.txt")" "last partition and offset"

note "produce_file with keys"
printf 'k1:v1\nk2:v:2\n' >"$dir/keyed.txt"
produce_file smoke 0 "$dir/keyed.txt" :
assert_eq "k1=v1 k2=v:2" "$(consume_partition smoke 0 '%k=%s ' | sed 's/ $//')" "keyed messages"

note "control commands"
assert_eq ok "$(mock_cmd ping)" "ping"
assert_eq ok "$(mock_cmd down 1)" "down 1"
assert_eq ok "$(mock_cmd up 1)" "up 1"
assert_eq ok "$(mock_cmd "rtt 2 5")" "rtt 2 5"
assert_eq ok "$(mock_cmd leader smoke 2 3)" "leader smoke 2 3"
assert_eq ok "$(mock_cmd coordinator group g1 2)" "coordinator"
assert_eq ok "$(mock_cmd error Produce NOT_LEADER_FOR_PARTITION 2)" "error Produce"
assert_eq ok "$(mock_cmd clear-errors Produce)" "clear-errors"
assert_eq ok "$(mock_cmd topic second 2)" "topic second 2"
reply=$(mock_cmd down 99 2>/dev/null) && fail "down 99 was accepted"
[[ $reply == "error "* ]] || fail "down 99 answered '$reply'"
reply=$(mock_cmd frobnicate 2>/dev/null) && fail "an unknown command was accepted"
[[ $reply == "error unknown command"* ]] || fail "frobnicate answered '$reply'"

note "the cluster still serves after the leader move and rtt"
printf 'after\n' | produce smoke 2
assert_eq after "$(consume_partition smoke 2 | tail -n 1)" "message after leader move"

note "committed offsets"
assert_eq -1001 "$(mock_committed g1 smoke 2)" "offset of a group that never committed"
timeout 30 kcat -G g1 -b "$BOOTSTRAP" -o beginning -e -q -X enable.auto.commit=true \
        -X auto.commit.interval.ms=100 -X session.timeout.ms=6000 smoke >/dev/null 2>&1 || true
committed=$(mock_committed_offset g1 smoke 2)
((committed > 0)) || fail "kcat -G committed nothing on smoke [2] (got '$committed')"
wait_for -t 5 output_is "$committed" mock_committed_offset g1 smoke 2

mock_stop
[[ -z $MOCK_PID ]] || fail "mock_stop left MOCK_PID set"
note "ok"
