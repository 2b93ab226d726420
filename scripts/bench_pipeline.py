#!/usr/bin/env python3
"""`make bench-pipeline`: simulate + train of the tt2l workspace at a chosen size, timed.

Prints, for `refinery simulate` and `refinery train` (every systematic, from scratch), the wall
time, the peak resident memory (GNU time's maximum RSS of the process and its children), and
for train the time inside plugins and inside the learner (from `train --json`), so that the
overhead outside them — hashing, recording, data set I/O, closure — is a measured fraction.
The targets of issue 10 are printed beside: overhead ≤ 10% of train's wall time, peak RSS
≤ 1.5 GB at paper scale (1.2·10⁶ events per sample, 300 trees).
"""
import json, os, re, shutil, subprocess, sys, tempfile

refinery = sys.argv[1]
events = int(sys.argv[2]) if len(sys.argv) > 2 else 1_200_000
trees = int(sys.argv[3]) if len(sys.argv) > 3 else 300
threads = os.cpu_count()

def timed(arguments):
    """Runs refinery under GNU time; returns (stdout, wall seconds, peak RSS in MB)."""
    result = subprocess.run(["/usr/bin/time", "-f", "TIME %e %M", refinery] + arguments,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if result.returncode not in (0, 3):  # 3: a closure failure, still a finished train
        sys.exit(f"refinery {' '.join(arguments)} failed ({result.returncode}):\n{result.stderr[-2000:]}")
    wall, rss = re.findall(r"TIME ([0-9.]+) ([0-9]+)", result.stderr)[-1]
    return result.stdout, float(wall), int(rss) / 1024

# KEEP=DIR keeps the paper-scale workspace there (for validate, limits, closure at full size).
keep = os.environ.get("KEEP")
scratch = keep or tempfile.mkdtemp(prefix="refinery-bench-pipeline-")
try:
    ws = os.path.join(scratch, "tt2l")
    os.makedirs(ws)
    config = open(os.path.join(os.path.dirname(__file__), "..", "workspaces", "tt2l", "refinery.yaml")).read()
    config = re.sub(r"nominal_events: \d+(\s+#.*)?\n", f"nominal_events: {events}\n", config, count=1)
    config = re.sub(r"alternative_events: \d+(\s+#.*)?\n", f"alternative_events: {events}\n", config, count=1)
    open(os.path.join(ws, "refinery.yaml"), "w").write(config)
    _, sim_wall, sim_rss = timed(["simulate", "-w", ws, "--threads", str(threads)])
    out, train_wall, train_rss = timed(["train", "-w", ws, "--trees", str(trees), "--threads", str(threads),
                                        "--allow-closure-failure", "--json"])
    outcomes = json.loads(out)
    plugin = sum(o["timings"]["plugin"] for o in outcomes)
    learner = sum(o["timings"]["learner"] for o in outcomes)
    recording = sum(o["timings"]["recording"] for o in outcomes)
    closure = sum(o["timings"]["closure"] for o in outcomes)
    reading = sum(o["timings"]["reading"] for o in outcomes)
    steps = sum(o["timings"]["total"] for o in outcomes)
    overhead = train_wall - plugin - learner
    load = open("/proc/loadavg").read().split()[:3]
    print(f"pipeline benchmark: {events} events per sample, {trees} trees, {len(outcomes)} surrogates, "
          f"{threads} threads, load average {' '.join(load)}")
    print(f"  simulate  wall {sim_wall:8.1f} s   peak RSS {sim_rss:7.0f} MB")
    print(f"  train     wall {train_wall:8.1f} s   peak RSS {train_rss:7.0f} MB   (target ≤ 1536 MB: {train_rss / 1536:.2f}×)")
    print(f"            plugins {plugin:.1f} s, learner {learner:.1f} s; reading {reading:.1f} s, closure {closure:.1f} s, "
          f"recording {recording:.1f} s, other in the steps {steps - plugin - learner - reading - recording - closure:.1f} s, "
          f"outside the steps {train_wall - steps:.1f} s")
    print(f"            outside plugins and learner: {overhead:.1f} s = {100 * overhead / train_wall:.1f}% of train "
          f"(target ≤ 10%: {overhead / train_wall / 0.10:.2f}×)")
finally:
    if not keep:
        shutil.rmtree(scratch, ignore_errors=True)
