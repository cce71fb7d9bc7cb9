#!/usr/bin/env bash
# A real single-node Apache Kafka broker (KRaft, combined broker + controller) from Apache Kafka's
# jars on Maven Central. Sourced by infra.sh; expects ROOT and the helpers from lib.sh.
#
# Layout (all git-ignored): .infra/kafka/libs (jars), data (log dirs, formatted on first start),
# logs/server.log, server.properties, kafka.pid.
KAFKA_HOME="$ROOT/.infra/kafka"
KAFKA_PID="$KAFKA_HOME/kafka.pid"
KAFKA_HEAP="${KAFKA_HEAP:--Xms256m -Xmx512m}"
# The JIT: C1 only. At this platform's rates (tens to a few hundred requests a second) the C2
# compiler's work costs the broker more CPU than its faster code saves: a fresh broker spent
# ~25 s of compiler time in its first minutes, and the bench read 3.4-6.4 ms of broker CPU per
# checkout with C2 against ~2 with C1 (docs/PERFORMANCE.md, tenth round). A broker under a
# sustained high load wants C2 back: KAFKA_JVM_OPTS="-XX:+UseG1GC".
KAFKA_JVM_OPTS="${KAFKA_JVM_OPTS:--XX:+UseG1GC -XX:TieredStopAtLevel=1}"
KAFKA_JVM_STAMP="$KAFKA_HOME/jvm.opts"

kafka_running() { [ -f "$KAFKA_PID" ] && kill -0 "$(cat "$KAFKA_PID")" 2>/dev/null; }

# Asks the broker for cluster metadata with the same client the services use (kafkajs).
kafka_answers() { node "$ROOT/scripts/infra/kafka-ready.mjs" 127.0.0.1:9092 >/dev/null 2>&1; }

kafka_fetch_jars() {
  local stamp="$KAFKA_HOME/libs/.pom.sha"
  local sha
  sha="$(sha256sum "$ROOT/deploy/kafka/pom.xml" | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sha" ]; then return 0; fi
  command -v java >/dev/null 2>&1 || die "java is missing: Kafka needs a Java 17+ runtime (Debian: openjdk-17-jre-headless)"
  command -v mvn >/dev/null 2>&1 || die "mvn is missing: it fetches Kafka's jars from Maven Central (Debian: maven)"
  log "kafka: fetching Apache Kafka jars from Maven Central (deploy/kafka/pom.xml)"
  rm -rf "$KAFKA_HOME/libs"
  mkdir -p "$KAFKA_HOME/libs"
  if ! mvn -q -B -f "$ROOT/deploy/kafka/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$KAFKA_HOME/libs" -DincludeScope=runtime >"$KAFKA_HOME/mvn.log" 2>&1; then
    tail -n 20 "$KAFKA_HOME/mvn.log" >&2
    die "mvn could not fetch Kafka's jars (is Maven Central reachable?); full log: .infra/kafka/mvn.log"
  fi
  echo "$sha" >"$stamp"
}

# Runs a Kafka tool class (storage format, ...) with the broker's class path.
kafka_java() {
  # shellcheck disable=SC2086
  java $KAFKA_HEAP $KAFKA_JVM_OPTS -Djava.awt.headless=true \
    -Dkafka.logs.dir="$KAFKA_HOME/logs" \
    -Dlog4j2.configurationFile="$ROOT/deploy/kafka/log4j2.properties" \
    -cp "$KAFKA_HOME/libs/*" "$@"
}

kafka_up() {
  # The readiness probe uses the services' own client; without it every probe would fail and
  # `up` would wait out its whole timeout before saying so.
  [ -d "$ROOT/node_modules/kafkajs" ] || die "node_modules/kafkajs is missing: run \`npm ci\` first (the broker readiness check uses it)"
  if kafka_running && [ -f "$KAFKA_HOME/server.properties" ] &&
    ! sed "s#@DATA_DIR@#$KAFKA_HOME/data#" "$ROOT/deploy/kafka/server.properties" |
    cmp -s - "$KAFKA_HOME/server.properties"; then
    log "kafka: deploy/kafka/server.properties changed since the broker started: restarting it"
    kafka_down
  fi
  if kafka_running && [ "$(cat "$KAFKA_JVM_STAMP" 2>/dev/null)" != "$KAFKA_HEAP $KAFKA_JVM_OPTS" ]; then
    log "kafka: the broker runs with other JVM options than KAFKA_HEAP/KAFKA_JVM_OPTS now give: restarting it"
    kafka_down
  fi
  if kafka_running && kafka_answers; then
    log "kafka: ready on 127.0.0.1:9092 (already running, pid $(cat "$KAFKA_PID"))"
    return 0
  fi
  if ! kafka_running && kafka_answers; then
    log "kafka: ready on 127.0.0.1:9092 (a broker not started by this checkout; left alone by down)"
    return 0
  fi
  if ! kafka_running; then
    port_free 9092 || die "port 9092 is taken by another process that is not a Kafka broker; stop it or free the port"
    port_free 9093 || die "port 9093 (KRaft controller) is taken by another process"
    port_free 9094 || die "port 9094 (the broker's listener behind the chaos fault proxy) is taken by another process"
    kafka_fetch_jars
    mkdir -p "$KAFKA_HOME/data" "$KAFKA_HOME/logs"
    sed "s#@DATA_DIR@#$KAFKA_HOME/data#" "$ROOT/deploy/kafka/server.properties" >"$KAFKA_HOME/server.properties"
    if [ ! -f "$KAFKA_HOME/data/meta.properties" ]; then
      local cluster_id
      cluster_id="$(kafka_java kafka.tools.StorageTool random-uuid)"
      log "kafka: formatting storage (cluster id $cluster_id)"
      kafka_java kafka.tools.StorageTool format -t "$cluster_id" \
        -c "$KAFKA_HOME/server.properties" >"$KAFKA_HOME/logs/format.log" 2>&1 ||
        die "formatting Kafka storage failed; see .infra/kafka/logs/format.log"
    fi
    log "kafka: starting broker (JVM: $KAFKA_HEAP $KAFKA_JVM_OPTS)"
    echo "$KAFKA_HEAP $KAFKA_JVM_OPTS" >"$KAFKA_JVM_STAMP"
    # nohup + & on the java command itself, so $! is the broker's own pid.
    # shellcheck disable=SC2086
    nohup java $KAFKA_HEAP $KAFKA_JVM_OPTS -Djava.awt.headless=true \
      -Dkafka.logs.dir="$KAFKA_HOME/logs" \
      -Dlog4j2.configurationFile="$ROOT/deploy/kafka/log4j2.properties" \
      -cp "$KAFKA_HOME/libs/*" kafka.Kafka "$KAFKA_HOME/server.properties" \
      >"$KAFKA_HOME/logs/stdout.log" 2>&1 </dev/null &
    echo $! >"$KAFKA_PID"
  fi
  local deadline=$((SECONDS + 90))
  until kafka_answers; do
    if ! kafka_running; then
      tail -n 20 "$KAFKA_HOME/logs/stdout.log" >&2 || true
      die "the Kafka broker exited during start-up; see .infra/kafka/logs/"
    fi
    [ "$SECONDS" -lt "$deadline" ] || die "Kafka did not answer metadata requests within 90s; see .infra/kafka/logs/"
    sleep 1
  done
  log "kafka: ready on 127.0.0.1:9092 (pid $(cat "$KAFKA_PID"))"
}

kafka_down() {
  if kafka_running; then
    local pid
    pid="$(cat "$KAFKA_PID")"
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 30))
    while kill -0 "$pid" 2>/dev/null; do
      if [ "$SECONDS" -ge "$deadline" ]; then kill -KILL "$pid" 2>/dev/null || true; fi
      sleep 0.5
    done
    log "kafka: stopped"
  else
    log "kafka: not running"
  fi
  rm -f "$KAFKA_PID"
}

kafka_status() {
  if kafka_running && kafka_answers; then echo "kafka: up (pid $(cat "$KAFKA_PID"))"
  elif kafka_running; then echo "kafka: starting or unresponsive (pid $(cat "$KAFKA_PID"))"
  else echo "kafka: down"; fi
}
