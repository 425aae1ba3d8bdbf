# Address plan of the delay benchmarks' hierarchy (sourced by build-zones.sh; mirrored in addresses.ts).
# These addresses exist only inside the benchmark's own network namespace (bench-cold, bench-keepwarm).
TLD=bench.
TLD_BASE=bench
ROOT_NS=a.root-servers.
ADDR_ROOT=127.54.0.1      # the root's server (proxy at :53, NSD at :REAL_PORT)
ADDR_TLD=127.54.1.1       # bench.'s server
LEAF_PREFIX=127.54.2      # leaf zone zI.bench. is served at 127.54.2.I
REAL_PORT=5300            # where the real NSD instances listen; port 53 is the delay proxy's
