-- lotledger roles, database and schemas (docs/adr/0007-least-privilege-roles.md).
--
-- One script for every setup, run with psql as a superuser: deploy/local/postgres.sh pipes it
-- in on every `up`; the official postgres image runs it once, when its data volume is empty
-- (deploy/docker-compose.yml mounts it into /docker-entrypoint-initdb.d); for an external
-- server (Kubernetes) run it yourself. It is idempotent, and it converts a database laid out
-- the earlier way, where each service's runtime role owned its schema: ownership passes to
-- the owner role (REASSIGN OWNED), and the runtime role can read nothing until the next
-- `lotledger-<service> migrate` grants it its declared privileges, so run migrate next.
--
--   lotledger            admin: owns the database, creates the test databases, and is a
--                        member of every role below (tamper tests and conversions use it)
--   <service>_owner      owns the service's schema and everything in it; runs migrate
--   <service>            the role the service runs as: owns nothing, holds what migrate grants
--
-- Passwords come from the environment (\getenv needs psql 15+) and default to the role name:
-- development only; the services refuse such passwords outside LOTLEDGER_ENV=dev.

\set ON_ERROR_STOP on

\getenv admin_password LOTLEDGER_ADMIN_DB_PASSWORD
\getenv inventory_password LOTLEDGER_INVENTORY_DB_PASSWORD
\getenv traceability_password LOTLEDGER_TRACEABILITY_DB_PASSWORD
\getenv alerts_password LOTLEDGER_ALERTS_DB_PASSWORD
\getenv inventory_owner_password LOTLEDGER_INVENTORY_OWNER_DB_PASSWORD
\getenv traceability_owner_password LOTLEDGER_TRACEABILITY_OWNER_DB_PASSWORD
\getenv alerts_owner_password LOTLEDGER_ALERTS_OWNER_DB_PASSWORD
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
\if :{?inventory_owner_password}
\else
  \set inventory_owner_password inventory_owner
\endif
\if :{?traceability_owner_password}
\else
  \set traceability_owner_password traceability_owner
\endif
\if :{?alerts_owner_password}
\else
  \set alerts_owner_password alerts_owner
\endif

SELECT format('CREATE ROLE %I', r)
  FROM unnest(ARRAY['lotledger', 'inventory', 'traceability', 'alerts',
                    'inventory_owner', 'traceability_owner', 'alerts_owner']) AS r
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) \gexec
ALTER ROLE lotledger LOGIN CREATEDB CREATEROLE PASSWORD :'admin_password';
ALTER ROLE inventory LOGIN NOCREATEDB NOCREATEROLE PASSWORD :'inventory_password';
ALTER ROLE traceability LOGIN NOCREATEDB NOCREATEROLE PASSWORD :'traceability_password';
ALTER ROLE alerts LOGIN NOCREATEDB NOCREATEROLE PASSWORD :'alerts_password';
ALTER ROLE inventory_owner LOGIN NOCREATEDB NOCREATEROLE PASSWORD :'inventory_owner_password';
ALTER ROLE traceability_owner LOGIN NOCREATEDB NOCREATEROLE PASSWORD :'traceability_owner_password';
ALTER ROLE alerts_owner LOGIN NOCREATEDB NOCREATEROLE PASSWORD :'alerts_owner_password';
GRANT inventory, traceability, alerts, inventory_owner, traceability_owner, alerts_owner
   TO lotledger;

SELECT 'CREATE DATABASE lotledger OWNER lotledger'
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'lotledger') \gexec
REVOKE ALL ON DATABASE lotledger FROM PUBLIC, inventory, traceability, alerts,
    inventory_owner, traceability_owner, alerts_owner;
GRANT CONNECT ON DATABASE lotledger TO inventory, traceability, alerts,
    inventory_owner, traceability_owner, alerts_owner;

\connect lotledger
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
-- The conversion: whatever a runtime role owns here becomes its owner role's.
REASSIGN OWNED BY inventory TO inventory_owner;
REASSIGN OWNED BY traceability TO traceability_owner;
REASSIGN OWNED BY alerts TO alerts_owner;
CREATE SCHEMA IF NOT EXISTS inventory AUTHORIZATION inventory_owner;
CREATE SCHEMA IF NOT EXISTS traceability AUTHORIZATION traceability_owner;
CREATE SCHEMA IF NOT EXISTS traceability_rebuild AUTHORIZATION traceability_owner;
CREATE SCHEMA IF NOT EXISTS alerts AUTHORIZATION alerts_owner;
CREATE SCHEMA IF NOT EXISTS alerts_rebuild AUTHORIZATION alerts_owner;
ALTER SCHEMA inventory OWNER TO inventory_owner;
ALTER SCHEMA traceability OWNER TO traceability_owner;
ALTER SCHEMA traceability_rebuild OWNER TO traceability_owner;
ALTER SCHEMA alerts OWNER TO alerts_owner;
ALTER SCHEMA alerts_rebuild OWNER TO alerts_owner;
