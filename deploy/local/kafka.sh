#!/usr/bin/env bash
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

usage() {
  echo "usage: $0 up|status|down|reset|tool <name|class> [args]   (instance '$KAFKA_INSTANCE' at $KAFKA_BOOTSTRAP; status exits 3 when down)" >&2
  echo "  tool names: topics console-producer console-consumer consumer-groups producer-perf api-versions metadata-quorum" >&2
  exit 2
}

POM="$LOTLEDGER_DEPLOY_DIR/kafka/pom.xml"
LOG4J_CONF="$LOTLEDGER_DEPLOY_DIR/kafka/log4j2.properties"
PROPS="$KAFKA_INSTANCE_DIR/server.properties"
DATA_DIR="$KAFKA_INSTANCE_DIR/data"
TOOL_JAVA=(java -Dlog4j2.configurationFile="$LOG4J_CONF" -Dkafka.log.level=WARN -Dkafka.log.target=SYSTEM_ERR -cp "$KAFKA_LIBS/*")
QUICK_JAVA=("${TOOL_JAVA[@]:0:1}" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC "${TOOL_JAVA[@]:1}")

say() { echo "kafka[$KAFKA_INSTANCE]: $*"; }

resolve_jars() {
  local stamp
  stamp="$KAFKA_VERSION $(sha256sum "$POM" | cut -d' ' -f1)"
  [[ -f $KAFKA_LIBS/.complete && "$(<"$KAFKA_LIBS/.complete")" == "$stamp" ]] && return
  say "resolving Kafka $KAFKA_VERSION jars with Maven into $KAFKA_LIBS"
  rm -rf "$KAFKA_LIBS"
  mkdir -p "$LOTLEDGER_LOG_DIR"
  mvn -q -B -f "$POM" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$KAFKA_LIBS" \
    -Dkafka.version="$KAFKA_VERSION" -Dscala.binary="$KAFKA_SCALA" >"$LOTLEDGER_LOG_DIR/maven-kafka.log" 2>&1 ||
    { tail -n 40 "$LOTLEDGER_LOG_DIR/maven-kafka.log" >&2; exit 1; }
  echo "$stamp" >"$KAFKA_LIBS/.complete"
}

alive() { tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline" | grep -qF "kafka.Kafka $PROPS"; }
our_pid() {
  local pid
  [[ -f $KAFKA_PID_FILE ]] && pid=$(<"$KAFKA_PID_FILE") && [[ $pid =~ ^[0-9]+$ ]] && alive "$pid" && echo "$pid"
}
port_open() { (exec 3<>"/dev/tcp/$KAFKA_HOST/$KAFKA_PORT") 2>/dev/null; }
answers() {
  port_open && timeout 20 "${QUICK_JAVA[@]}" org.apache.kafka.tools.BrokerApiVersionsCommand \
    --bootstrap-server "$KAFKA_BOOTSTRAP" >/dev/null 2>&1
}
info() { say "Apache Kafka $KAFKA_VERSION (KRaft, Scala $KAFKA_SCALA), bootstrap $KAFKA_BOOTSTRAP, log $KAFKA_LOG_FILE"; }
fail() {
  say "$1; first errors and last lines of $KAFKA_LOG_FILE:" >&2
  grep -m 5 -E '^\[.*\] (ERROR|FATAL) ' "$KAFKA_LOG_FILE" >&2 || true
  tail -n 25 "$KAFKA_LOG_FILE" >&2
  exit 1
}

write_props() {
  cat >"$PROPS" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT,CONTROLLER://$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$DATA_DIR
num.partitions=3
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
min.insync.replicas=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
delete.topic.enable=true
PROPS
}

format_storage() {
  [[ -f $DATA_DIR/meta.properties ]] && return
  [[ -s $KAFKA_INSTANCE_DIR/cluster.id ]] ||
    "${QUICK_JAVA[@]}" kafka.tools.StorageTool random-uuid >"$KAFKA_INSTANCE_DIR/cluster.id"
  say "formatting $DATA_DIR (cluster id $(<"$KAFKA_INSTANCE_DIR/cluster.id"))"
  "${QUICK_JAVA[@]}" kafka.tools.StorageTool format --standalone -t "$(<"$KAFKA_INSTANCE_DIR/cluster.id")" -c "$PROPS" >/dev/null
}

up() {
  mkdir -p "$LOTLEDGER_LOG_DIR" "$LOTLEDGER_RUN_DIR" "$KAFKA_INSTANCE_DIR"
  resolve_jars
  if answers; then
    say "a broker already answers at $KAFKA_BOOTSTRAP (no-op)"
    info
    return
  fi
  local pid start=$SECONDS
  if pid=$(our_pid); then
    say "pid $pid is still starting; waiting"
  else
    write_props
    format_storage
    [[ -f $KAFKA_LOG_FILE ]] && mv -f "$KAFKA_LOG_FILE" "$KAFKA_LOG_FILE.1"
    # setsid forks when its caller leads a process group (job control on), so the broker
    # writes its own pid before exec'ing java.
    rm -f "$KAFKA_PID_FILE"
    setsid -f bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$KAFKA_PID_FILE" \
      java -Xms512m -Xmx1g -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
      -Dlog4j2.configurationFile="$LOG4J_CONF" -cp "$KAFKA_LIBS/*" kafka.Kafka "$PROPS" \
      >>"$KAFKA_LOG_FILE" 2>&1 </dev/null
    for _ in $(seq 50); do [[ -s $KAFKA_PID_FILE ]] && break; sleep 0.1; done
    pid=$(<"$KAFKA_PID_FILE")
    say "started pid $pid"
  fi
  until answers; do
    alive "$pid" || fail "broker pid $pid exited"
    # A broker loading many partitions (a data dir that outlived many runs) is slow to answer.
    ((SECONDS - start < KAFKA_START_TIMEOUT_S)) ||
      fail "no answer after $KAFKA_START_TIMEOUT_S s (pid $pid left running; '$0 down' stops it)"
    sleep 0.5
  done
  say "answering after $((SECONDS - start)) s"
  info
}

status() {
  local pid
  if pid=$(our_pid); then say "pid $pid alive"; else say "no live pid in $KAFKA_PID_FILE"; fi
  if answers; then say "answering at $KAFKA_BOOTSTRAP"; else say "not answering at $KAFKA_BOOTSTRAP"; exit 3; fi
}

down() {
  local pid
  if ! pid=$(our_pid); then
    rm -f "$KAFKA_PID_FILE"
    say "not running (no-op)"
    return
  fi
  kill -TERM "$pid"
  for _ in $(seq 60); do alive "$pid" || break; sleep 0.5; done
  if alive "$pid"; then
    say "pid $pid ignored SIGTERM for 30 s; sending SIGKILL"
    kill -KILL "$pid"
  fi
  rm -f "$KAFKA_PID_FILE"
  say "stopped pid $pid"
}

reset() {
  down
  rm -rf "$KAFKA_INSTANCE_DIR"
  say "removed $KAFKA_INSTANCE_DIR"
}

tool() {
  local class
  case "${1:-}" in
    topics) class=org.apache.kafka.tools.TopicCommand ;;
    console-producer) class=org.apache.kafka.tools.ConsoleProducer ;;
    console-consumer) class=org.apache.kafka.tools.consumer.ConsoleConsumer ;;
    consumer-groups) class=org.apache.kafka.tools.consumer.group.ConsumerGroupCommand ;;
    producer-perf) class=org.apache.kafka.tools.ProducerPerformance ;;
    api-versions) class=org.apache.kafka.tools.BrokerApiVersionsCommand ;;
    metadata-quorum) class=org.apache.kafka.tools.MetadataQuorumCommand ;;
    *.*) class=$1 ;;
    *) usage ;;
  esac
  shift
  resolve_jars >&2
  exec "${TOOL_JAVA[@]}" "$class" "$@"
}

case "${1:-}" in
  up | status | down | reset) "$1" ;;
  tool) shift; tool "$@" ;;
  *) usage ;;
esac
