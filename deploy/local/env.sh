# shellcheck shell=bash
# Sourced by the deploy/local scripts; every value may be overridden from the environment.

: "${LOTLEDGER_HOME:=$HOME/.lotledger}"
LOTLEDGER_LOG_DIR="$LOTLEDGER_HOME/log"
LOTLEDGER_RUN_DIR="$LOTLEDGER_HOME/run"

: "${KAFKA_VERSION:=4.1.1}"
: "${KAFKA_SCALA:=2.13}"
: "${KAFKA_HOST:=127.0.0.1}"
: "${KAFKA_PORT:=9092}"
: "${KAFKA_CONTROLLER_PORT:=9093}"
: "${KAFKA_INSTANCE:=main}"
: "${KAFKA_START_TIMEOUT_S:=300}"
KAFKA_LIBS="$LOTLEDGER_HOME/kafka/$KAFKA_VERSION/libs"
KAFKA_INSTANCE_DIR="$LOTLEDGER_HOME/kafka/instances/$KAFKA_INSTANCE"
KAFKA_PID_FILE="$LOTLEDGER_RUN_DIR/kafka-$KAFKA_INSTANCE.pid"
KAFKA_LOG_FILE="$LOTLEDGER_LOG_DIR/kafka-$KAFKA_INSTANCE.log"
KAFKA_SHAPE_FILE="$LOTLEDGER_RUN_DIR/kafka-$KAFKA_INSTANCE.brokers"
# Brokers of the instance: as asked, else as many as it runs now (kafka.sh up records the
# count until down), else 1. Broker n listens on KAFKA_PORT + 2(n-1), its controller on
# KAFKA_CONTROLLER_PORT + 2(n-1): 9092/9093, 9094/9095, 9096/9097.
if [[ -z ${KAFKA_BROKERS:-} ]]; then
  KAFKA_BROKERS=1
  [[ -s $KAFKA_SHAPE_FILE ]] && KAFKA_BROKERS=$(<"$KAFKA_SHAPE_FILE")
fi
KAFKA_BOOTSTRAP="$KAFKA_HOST:$KAFKA_PORT"
for ((n = 2; n <= KAFKA_BROKERS; n++)); do KAFKA_BOOTSTRAP+=",$KAFKA_HOST:$((KAFKA_PORT + 2 * (n - 1)))"; done
unset n
# What the services and `lotledger topics` use (shared/src/lotledger/shared/settings.py):
# every broker to bootstrap from, and replication 3 (min.insync.replicas 2) on a cluster.
: "${LOTLEDGER_KAFKA_BOOTSTRAP:=$KAFKA_BOOTSTRAP}"
: "${LOTLEDGER_TOPIC_REPLICATION:=$((KAFKA_BROKERS < 3 ? KAFKA_BROKERS : 3))}"

: "${PG_HOST:=127.0.0.1}"
: "${PG_PORT:=5433}"
: "${PG_CLUSTER:=lotledger}"

LOTLEDGER_DEPLOY_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

export LOTLEDGER_HOME LOTLEDGER_LOG_DIR LOTLEDGER_RUN_DIR LOTLEDGER_DEPLOY_DIR \
  KAFKA_VERSION KAFKA_SCALA KAFKA_HOST KAFKA_PORT KAFKA_CONTROLLER_PORT KAFKA_INSTANCE KAFKA_START_TIMEOUT_S KAFKA_BOOTSTRAP \
  KAFKA_BROKERS KAFKA_LIBS KAFKA_INSTANCE_DIR KAFKA_PID_FILE KAFKA_LOG_FILE KAFKA_SHAPE_FILE \
  LOTLEDGER_KAFKA_BOOTSTRAP LOTLEDGER_TOPIC_REPLICATION PG_HOST PG_PORT PG_CLUSTER
