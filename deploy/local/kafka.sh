#!/usr/bin/env bash
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

usage() {
  echo "usage: $0 up|status|down|reset|pids|tool <name|class> [args]   (instance '$KAFKA_INSTANCE', $KAFKA_BROKERS broker(s) at $KAFKA_BOOTSTRAP; status exits 3 when not every broker answers)" >&2
  echo "  KAFKA_BROKERS=3: a KRaft cluster of 3 nodes (each broker and controller), topics replicated 3 times, min.insync.replicas=2" >&2
  echo "  pids: 'node pid' of each live broker; tool names: topics console-producer console-consumer consumer-groups producer-perf api-versions metadata-quorum" >&2
  exit 2
}

POM="$LOTLEDGER_DEPLOY_DIR/kafka/pom.xml"
LOG4J_CONF="$LOTLEDGER_DEPLOY_DIR/kafka/log4j2.properties"
TOOL_JAVA=(java -Dlog4j2.configurationFile="$LOG4J_CONF" -Dkafka.log.level=WARN -Dkafka.log.target=SYSTEM_ERR -cp "$KAFKA_LIBS/*")
QUICK_JAVA=("${TOOL_JAVA[@]:0:1}" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC "${TOOL_JAVA[@]:1}")
# shellcheck source=kafka/nodes.sh
source "$LOTLEDGER_DEPLOY_DIR/kafka/nodes.sh"

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

# alive PID [PROPS]: PID is a broker of this instance (of the node whose properties are PROPS).
alive() { tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline" | grep -qF "kafka.Kafka ${2:-$KAFKA_INSTANCE_DIR/}"; }
pid_in() {
  local pid
  [[ -f $1 ]] && pid=$(<"$1") && [[ $pid =~ ^[0-9]+$ ]] && alive "$pid" "${2:-}" && echo "$pid"
}
any_alive() {
  local pid
  for pid; do alive "$pid" && return 0; done
  return 1
}
node_pid() { pid_in "$(pid_file "$1")" "$(node_props "$1") "; }
ports_open() {
  local n
  for n in $NODES; do (exec 3<>"/dev/tcp/$KAFKA_HOST/$(node_port "$n")") 2>/dev/null || return 1; done
}
# How many unfenced brokers the cluster's metadata lists.
brokers_answering() {
  timeout 20 "${QUICK_JAVA[@]}" org.apache.kafka.tools.BrokerApiVersionsCommand \
    --bootstrap-server "$KAFKA_BOOTSTRAP" 2>/dev/null | grep -cE '^[^ ]+ \(id: [0-9]+ rack: .* isFenced: false\) ->' || true
}
answers() { ports_open && (($(brokers_answering) >= KAFKA_BROKERS)); }
info() {
  local what="one broker"
  ((KAFKA_BROKERS > 1)) && what="$KAFKA_BROKERS brokers, replication $REPLICATION, min.insync.replicas $MIN_ISR"
  say "Apache Kafka $KAFKA_VERSION (KRaft, Scala $KAFKA_SCALA), $what, bootstrap $KAFKA_BOOTSTRAP, log $(log_file 1)"
}
fail() {
  local n log
  say "$1" >&2
  for n in $NODES; do
    log=$(log_file "$n")
    [[ -f $log ]] || continue
    say "first errors and last lines of $log:" >&2
    grep -m 5 -E '^\[.*\] (ERROR|FATAL) ' "$log" >&2 || true
    tail -n 25 "$log" >&2
  done
  exit 1
}

# Another shape of this instance still running (a single broker when a cluster is asked
# for, or the other way round) must be stopped first: they would share ports.
refuse_other_shape() {
  local f n pid ours
  for f in $(any_pid_files); do
    pid=$(pid_in "$f") || continue
    ours=0
    for n in $NODES; do
      [[ $f == "$(pid_file "$n")" ]] && alive "$pid" "$(node_props "$n") " && ours=1
    done
    ((ours)) || { say "pid $pid ($f) runs another shape of instance '$KAFKA_INSTANCE'; '$0 down' stops it first" >&2; exit 1; }
  done
}

start_node() {
  local n=$1 pid_f log
  pid_f=$(pid_file "$n")
  log=$(log_file "$n")
  [[ -f $log ]] && mv -f "$log" "$log.1"
  # setsid forks when its caller leads a process group (job control on), so the broker
  # writes its own pid before exec'ing java.
  rm -f "$pid_f"
  setsid -f bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$pid_f" \
    java "${HEAP[@]}" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$LOG4J_CONF" -cp "$KAFKA_LIBS/*" kafka.Kafka "$(node_props "$n")" \
    >>"$log" 2>&1 </dev/null
  for _ in $(seq 50); do [[ -s $pid_f ]] && break; sleep 0.1; done
  say "node $n: started pid $(<"$pid_f") on $KAFKA_HOST:$(node_port "$n")"
}

up() {
  mkdir -p "$LOTLEDGER_LOG_DIR" "$LOTLEDGER_RUN_DIR"
  resolve_jars
  refuse_other_shape
  if answers; then
    say "$KAFKA_BROKERS broker(s) already answer at $KAFKA_BOOTSTRAP (no-op)"
    info
    return
  fi
  mkdir -p "$SHAPE_DIR"
  [[ -s $SHAPE_DIR/cluster.id ]] || "${QUICK_JAVA[@]}" kafka.tools.StorageTool random-uuid >"$SHAPE_DIR/cluster.id"
  local n pid start=$SECONDS pids=() down=() formatting=()
  for n in $NODES; do
    if pid=$(node_pid "$n"); then
      say "node $n: pid $pid is running"
      pids+=("$pid")
    else
      down+=("$n")
    fi
  done
  for n in "${down[@]}"; do
    mkdir -p "$(node_dir "$n")"
    write_props "$n"
    format_storage "$n" &
    formatting+=($!)
  done
  for pid in "${formatting[@]}"; do wait "$pid" || fail "formatting failed"; done
  for n in "${down[@]}"; do
    start_node "$n"
    pids+=("$(<"$(pid_file "$n")")")
  done
  ((KAFKA_BROKERS > 1)) && echo "$KAFKA_BROKERS" >"$KAFKA_SHAPE_FILE"
  until answers; do
    for pid in "${pids[@]}"; do alive "$pid" || fail "broker pid $pid exited"; done
    # A broker loading many partitions (a data dir that outlived many runs) is slow to answer.
    ((SECONDS - start < KAFKA_START_TIMEOUT_S)) ||
      fail "not every broker answers after $KAFKA_START_TIMEOUT_S s (pids ${pids[*]} left running; '$0 down' stops them)"
    sleep 0.5
  done
  say "answering after $((SECONDS - start)) s"
  info
}

status() {
  local n pid
  for n in $NODES; do
    if pid=$(node_pid "$n"); then say "node $n: pid $pid alive"; else say "node $n: no live pid in $(pid_file "$n")"; fi
  done
  if answers; then say "answering at $KAFKA_BOOTSTRAP"; else say "not every broker answers at $KAFKA_BOOTSTRAP"; exit 3; fi
}

pids() {
  local n pid
  for n in $NODES; do pid=$(node_pid "$n") && echo "$n $pid"; done
  return 0
}

# Stops every broker of the instance, whatever its shape, all at once: the last node of a
# cluster stopped one by one would wait for a controller quorum that is gone.
down() {
  local f pid pids=()
  for f in $(any_pid_files); do
    pid=$(pid_in "$f") && pids+=("$pid")
    rm -f "$f"
  done
  rm -f "$KAFKA_SHAPE_FILE"
  if ((${#pids[@]} == 0)); then
    say "not running (no-op)"
    return
  fi
  kill -TERM "${pids[@]}"
  for _ in $(seq 60); do any_alive "${pids[@]}" || break; sleep 0.5; done
  for pid in "${pids[@]}"; do
    if alive "$pid"; then
      say "pid $pid ignored SIGTERM for 30 s; sending SIGKILL"
      kill -KILL "$pid"
    fi
    say "stopped pid $pid"
  done
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
  up | status | down | reset | pids) "$1" ;;
  tool) shift; tool "$@" ;;
  *) usage ;;
esac
