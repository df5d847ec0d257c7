# shellcheck shell=bash
# Sourced by ../kafka.sh: where each node of an instance lives (directory, ports, pid and
# log files) and what it runs with (server.properties, storage format, heap).

[[ $KAFKA_BROKERS =~ ^[1-9]$ ]] || { echo "KAFKA_BROKERS must be 1 to 9, not '$KAFKA_BROKERS'" >&2; exit 2; }
REPLICATION=$((KAFKA_BROKERS < 3 ? KAFKA_BROKERS : 3))
MIN_ISR=$((REPLICATION >= 3 ? 2 : 1)) # shared/src/lotledger/shared/contracts/topics.py: min_insync_replicas
NODES=$(seq 1 "$KAFKA_BROKERS")

if ((KAFKA_BROKERS == 1)); then HEAP=(-Xms512m -Xmx1g); else HEAP=(-Xms256m -Xmx768m); fi

# A single broker keeps the layout it always had; a cluster of N lives in brokers-N/, so
# the two never share data (topics made on one are not on the other).
if ((KAFKA_BROKERS == 1)); then SHAPE_DIR=$KAFKA_INSTANCE_DIR; else SHAPE_DIR=$KAFKA_INSTANCE_DIR/brokers-$KAFKA_BROKERS; fi
node_dir() { if ((KAFKA_BROKERS == 1)); then echo "$KAFKA_INSTANCE_DIR"; else echo "$SHAPE_DIR/node-$1"; fi; }
node_props() { echo "$(node_dir "$1")/server.properties"; }
node_port() { echo $((KAFKA_PORT + 2 * ($1 - 1))); }
node_controller_port() { echo $((KAFKA_CONTROLLER_PORT + 2 * ($1 - 1))); }
pid_file() { if ((KAFKA_BROKERS == 1)); then echo "$KAFKA_PID_FILE"; else echo "$LOTLEDGER_RUN_DIR/kafka-$KAFKA_INSTANCE.node$1.pid"; fi; }
log_file() { if ((KAFKA_BROKERS == 1)); then echo "$KAFKA_LOG_FILE"; else echo "$LOTLEDGER_LOG_DIR/kafka-$KAFKA_INSTANCE.node$1.log"; fi; }
any_pid_files() { compgen -G "$LOTLEDGER_RUN_DIR/kafka-$KAFKA_INSTANCE.pid" || true; compgen -G "$LOTLEDGER_RUN_DIR/kafka-$KAFKA_INSTANCE.node*.pid" || true; }

voters() {
  local n out=()
  for n in $NODES; do out+=("$n@$KAFKA_HOST:$(node_controller_port "$n")"); done
  (IFS=,; echo "${out[*]}")
}

write_props() {
  local n=$1 quorum
  if ((KAFKA_BROKERS == 1)); then
    quorum="controller.quorum.bootstrap.servers=$KAFKA_HOST:$KAFKA_CONTROLLER_PORT"
  else
    quorum="controller.quorum.voters=$(voters)"
  fi
  cat >"$(node_props "$n")" <<PROPS
process.roles=broker,controller
node.id=$n
$quorum
listeners=PLAINTEXT://$KAFKA_HOST:$(node_port "$n"),CONTROLLER://$KAFKA_HOST:$(node_controller_port "$n")
advertised.listeners=PLAINTEXT://$KAFKA_HOST:$(node_port "$n")
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$(node_dir "$n")/data
num.partitions=3
default.replication.factor=$REPLICATION
offsets.topic.replication.factor=$REPLICATION
transaction.state.log.replication.factor=$REPLICATION
transaction.state.log.min.isr=$MIN_ISR
share.coordinator.state.topic.replication.factor=$REPLICATION
share.coordinator.state.topic.min.isr=$MIN_ISR
min.insync.replicas=$MIN_ISR
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
delete.topic.enable=true
PROPS
}

# A single node formats a dynamic quorum of itself; a cluster, the static quorum its
# properties name (controller.quorum.voters), every node with the same cluster id.
format_storage() {
  local n=$1 id_file="$SHAPE_DIR/cluster.id" mode=()
  [[ -f $(node_dir "$n")/data/meta.properties ]] && return
  ((KAFKA_BROKERS == 1)) && mode=(--standalone)
  say "formatting $(node_dir "$n")/data (cluster id $(<"$id_file"))"
  "${QUICK_JAVA[@]}" kafka.tools.StorageTool format "${mode[@]}" -t "$(<"$id_file")" -c "$(node_props "$n")" >/dev/null
}
