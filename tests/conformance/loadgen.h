/*
 * loadgen.h — the load run (docs/conformance.md, "The load run"): N
 * simulated kiosks, each its own process, doing whole visits against a
 * center; prints throughput, latencies and errors by code.
 */
#ifndef KOFU_LOADGEN_H
#define KOFU_LOADGEN_H

/** `kofu-conformance loadgen --config FILE --kiosks N --duration S ...`:
 *  argv[0] is "loadgen". Exit 0 when the run completed with at least one
 *  visit that went through, 1 when it could not run, 2 on a usage error, 3
 *  when it ran but no visit went through (the center down or refusing). */
int loadgen_main(int argc, char **argv);

/** The worker a loadgen run starts for each simulated kiosk
 *  (`/proc/self/exe loadgen-worker ...`): argv[0] is "loadgen-worker". */
int loadgen_worker_main(int argc, char **argv);

#endif
