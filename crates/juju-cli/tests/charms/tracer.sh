#!/bin/sh
# Dispatch of the tracer test charms (trace-db, trace-app, trace-sub): one
# line per hook in <trace dir>/trace.log:
#   <unit>|<dispatch path>|<relation id>|<remote unit>|<remote app>|<departing unit>|<relation-list>|<principal unit>
# and some relation data traffic so that relation-changed has work to do.
set -eu
trace="$(cat "$JUJU_CHARM_DIR/trace-dir")"
# Secret history (when <trace dir>/secret-history exists, for the secret
# crash suite): every secret change a context makes is also appended to the
# charm state, which commits with it, so the state holds exactly what the
# unit's committed hooks and commands did:
#   published-<id>  the revisions the owner made (content rev=<revision>)
#   removed-<id>    the revisions the owner was told were obsolete (and
#                   removed, unless <trace dir>/keep-obsolete exists)
#   seen-<id>       the revisions a consumer read (first read, then --refresh
#                   in each secret-changed)
# `dispatch publish <secret>` and `dispatch observe <secret> [--refresh]` run
# the same steps from `juju exec`.
history=""
if [ -e "$trace/secret-history" ]; then
    history=yes
fi
# (Each tool's output is assigned first: `set -e` does not see a failure
# inside an argument.)
record() {
    old="$(state-get "$1")"
    state-set "$1=$old $2"
}
publish() {
    info="$(secret-info-get "$1")"
    rev=$(($(echo "$info" | sed -n 's/^ *revision: //p') + 1))
    secret-set "$1" "rev=$rev"
    record "published-${1##*[:/]}" "$rev"
}
observe() {
    value="$(secret-get "$1" rev ${2:-})"
    # YAML quotes a number-like string.
    record "seen-${1##*[:/]}" "$(echo "$value" | tr -d '"')"
}
case "${1:-}" in
    publish)
        publish "$2"
        exit 0
        ;;
    observe)
        observe "$2" "${3:-}"
        exit 0
        ;;
esac
name="${JUJU_DISPATCH_PATH#*/}"
members=""
if [ -n "${JUJU_RELATION_ID:-}" ]; then
    members="$(relation-list | tr '\n' ',' | sed 's/,$//')"
fi
echo "$JUJU_UNIT_NAME|$JUJU_DISPATCH_PATH|${JUJU_RELATION_ID:-}|${JUJU_REMOTE_UNIT:-}|${JUJU_REMOTE_APP:-}|${JUJU_DEPARTING_UNIT:-}|$members|$JUJU_PRINCIPAL_UNIT" >> "$trace/trace.log"
# With <trace>/boots: each hook records the machine's uptime, boot id and the
# charm state a dropped `juju-reboot --now` run would have left.
if [ -e "$trace/boots" ]; then
    echo "$JUJU_UNIT_NAME|$name|$(cut -d' ' -f1 /proc/uptime)|$(cat /proc/sys/kernel/random/boot_id)|$(state-get doomed-now 2>/dev/null || true)" >> "$trace/boots.log"
fi
# With <trace>/resources: upgrade-charm records the size of the unit's copy
# of resource `conf` (<unit>|<bytes>).
if [ -e "$trace/resources" ] && [ "$name" = upgrade-charm ]; then
    conf="$(resource-get conf)"
    echo "$JUJU_UNIT_NAME|$(wc -c < "$conf")" >> "$trace/resources.log"
fi
# <trace>/reboot-<hook> holding `now` or `after`: reboot once from that hook.
if [ -e "$trace/reboot-$name" ]; then
    mode="$(cat "$trace/reboot-$name")"
    rm -f "$trace/reboot-$name"
    if [ "$mode" = now ]; then
        state-set doomed-now=yes
        juju-reboot --now
        sleep 30
        echo "$JUJU_UNIT_NAME|$name|still running after juju-reboot --now" >> "$trace/boots.log"
        exit 1
    fi
    juju-reboot
fi
if [ -e "$trace/slow-$name" ]; then
    # The file may give the delay in seconds (default 2). A test may remove
    # it once the hook has started: then the default.
    delay="$(cat "$trace/slow-$name" 2>/dev/null || true)"
    sleep "${delay:-2}"
fi
# <trace>/run-<hook or action>: shell lines the hook runs (sourced, so a
# failing tool fails the hook).
if [ -e "$trace/run-$name" ]; then
    . "$trace/run-$name"
fi
if [ -e "$trace/fail-$name" ]; then
    exit 1
fi
# Fail after immediate and buffered effects: only the immediate ones may stay.
if [ -e "$trace/dirty-fail-$name" ]; then
    status-set maintenance "about to fail $name"
    for r in $(relation-ids db); do relation-set -r "$r" doomed=yes; done
    state-set doomed=yes
    open-port 9999/tcp
    exit 1
fi
if [ -e "$trace/hang-$name" ]; then
    sleep 3600
fi
case "$JUJU_DISPATCH_PATH" in
    actions/set-app)
        relation-set -r "$(relation-ids db | head -n1)" --app "note=$(action-get value)"
        exit 0
        ;;
    actions/open)
        open-port 8080/tcp
        open-port icmp
        action-set ingress="$(network-get db --ingress-address)" ports="$(opened-ports | tr '\n' ' ')" \
            goal="$(goal-state --format=json)"
        exit 0
        ;;
    actions/bad-r)
        relation-get -r 99 - "$JUJU_UNIT_NAME"
        exit 0
        ;;
esac
case "$name" in
    *-relation-created)
        if [ "$(is-leader)" = "True" ]; then
            relation-set --app "app-token=$(config-get token)"
        fi
        ;;
    *-relation-joined)
        relation-set "joined-$(echo "$JUJU_REMOTE_UNIT" | tr / -)=yes"
        ;;
    *-relation-changed)
        if [ -n "${JUJU_REMOTE_UNIT:-}" ]; then
            relation-get - "$JUJU_REMOTE_UNIT" > /dev/null
        else
            relation-get --app - "$JUJU_REMOTE_APP" > /dev/null
        fi
        ;;
    secret-changed)
        if [ -n "$history" ]; then
            echo "$JUJU_UNIT_NAME|changed|$JUJU_SECRET_ID" >> "$trace/secrets.log"
            observe "$JUJU_SECRET_ID" --refresh
            exit 0
        fi
        # What a consumer is told, and the new content (peeked: tracking stays).
        echo "$JUJU_UNIT_NAME|$JUJU_SECRET_ID|$JUJU_SECRET_LABEL|${JUJU_SECRET_REVISION:-none}|$(secret-get "$JUJU_SECRET_ID" --peek --format=json)" >> "$trace/secrets.log"
        ;;
    secret-rotate)
        # An owner told to rotate makes a new revision.
        echo "$JUJU_UNIT_NAME|rotate|$JUJU_SECRET_ID|$JUJU_SECRET_LABEL|${JUJU_SECRET_REVISION:-none}" >> "$trace/secrets.log"
        if [ -n "$history" ]; then
            publish "$JUJU_SECRET_ID"
            exit 0
        fi
        secret-set "$JUJU_SECRET_ID" "rotated=$(date +%s%N)"
        ;;
    secret-expired)
        # Told twice, an owner makes a new revision (which ends the reminders).
        echo "$JUJU_UNIT_NAME|expired|$JUJU_SECRET_ID|$JUJU_SECRET_LABEL|$JUJU_SECRET_REVISION" >> "$trace/secrets.log"
        if [ "$(grep -c "^$JUJU_UNIT_NAME|expired|$JUJU_SECRET_ID|" "$trace/secrets.log")" -ge 2 ]; then
            secret-set "$JUJU_SECRET_ID" "renewed=$(date +%s%N)"
        fi
        ;;
    secret-remove)
        # An owner told a revision is obsolete removes it.
        echo "$JUJU_UNIT_NAME|$JUJU_SECRET_ID|$JUJU_SECRET_LABEL|$JUJU_SECRET_REVISION" >> "$trace/secrets.log"
        if [ -n "$history" ]; then
            record "removed-${JUJU_SECRET_ID##*[:/]}" "$JUJU_SECRET_REVISION"
            # Told, but keeping it: only the agent's memory of what it
            # reported stops a second secret-remove.
            if [ -e "$trace/keep-obsolete" ]; then
                exit 0
            fi
        fi
        secret-remove "$JUJU_SECRET_ID" --revision "$JUJU_SECRET_REVISION"
        ;;
    config-changed)
        status-set active "token $(config-get token)"
        if [ "$(is-leader)" = "True" ]; then
            for r in $(relation-ids db) $(relation-ids peers); do
                relation-set -r "$r" --app "app-token=$(config-get token)"
            done
        fi
        # An owner publishes a new revision of each secret it owns.
        if [ -n "$history" ] && [ "$(is-leader)" = "True" ]; then
            for s in $(secret-ids | sed -n 's/^- //p'); do
                publish "$s"
            done
        fi
        ;;
esac
