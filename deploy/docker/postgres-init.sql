-- lotledger roles, database and schemas for the official postgres image
-- (mounted into /docker-entrypoint-initdb.d by deploy/docker-compose.yml).
--
-- The same layout as deploy/local/postgres.sh: a `lotledger` admin role, one login role per
-- service, the `lotledger` database, and one schema per service owned by the service's role.
-- Keep the two in step.
--
-- The image runs this once, when its data volume is empty, with psql as the superuser, so
-- psql meta-commands work. Passwords come from the container's environment (\getenv needs
-- psql 15+) and default to the role name like the local scripts: development only; the
-- services refuse such passwords outside LOTLEDGER_ENV=dev.

\set ON_ERROR_STOP on

\getenv admin_password LOTLEDGER_ADMIN_DB_PASSWORD
\getenv inventory_password LOTLEDGER_INVENTORY_DB_PASSWORD
\getenv traceability_password LOTLEDGER_TRACEABILITY_DB_PASSWORD
\getenv alerts_password LOTLEDGER_ALERTS_DB_PASSWORD
\if :{?admin_password}
\else
  \set admin_password lotledger
\endif
\if :{?inventory_password}
\else
  \set inventory_password inventory
\endif
\if :{?traceability_password}
\else
  \set traceability_password traceability
\endif
\if :{?alerts_password}
\else
  \set alerts_password alerts
\endif

SELECT format('CREATE ROLE %I', r) FROM unnest(ARRAY['lotledger', 'inventory', 'traceability', 'alerts']) AS r
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) \gexec
ALTER ROLE lotledger LOGIN CREATEDB CREATEROLE PASSWORD :'admin_password';
ALTER ROLE inventory LOGIN PASSWORD :'inventory_password';
ALTER ROLE traceability LOGIN PASSWORD :'traceability_password';
ALTER ROLE alerts LOGIN PASSWORD :'alerts_password';
GRANT inventory, traceability, alerts TO lotledger;

SELECT 'CREATE DATABASE lotledger OWNER lotledger'
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'lotledger') \gexec
REVOKE ALL ON DATABASE lotledger FROM PUBLIC;
GRANT CONNECT, TEMP ON DATABASE lotledger TO lotledger, inventory, traceability, alerts;

\connect lotledger
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
CREATE SCHEMA IF NOT EXISTS inventory AUTHORIZATION inventory;
CREATE SCHEMA IF NOT EXISTS traceability AUTHORIZATION traceability;
CREATE SCHEMA IF NOT EXISTS traceability_rebuild AUTHORIZATION traceability;
CREATE SCHEMA IF NOT EXISTS alerts AUTHORIZATION alerts;
