#!/usr/bin/env python3
"""Measure the CPU the inference client spends consuming a long chat stream,
against curl reading the same stream (the transport's floor).

Builds ../shared/bench/fakellm and internal/cmd/streamconsume, starts fakellm
on 127.0.0.1 in stream mode, then runs curl and the consumer alternately and
reports the median user+system CPU (from wait4) and wall time of each, and
their ratio. Usage: scripts/bench_stream.py [--chunks 100000] [--runs 7]
"""
import argparse, json, os, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "bench")


def build(tmp):
    fake = os.path.join(tmp, "fakellm")
    consumer = os.path.join(tmp, "streamconsume")
    subprocess.run(["go", "build", "-o", fake, "."], cwd=os.path.join(SHARED, "fakellm"), check=True)
    subprocess.run(["go", "build", "-o", consumer, "./internal/cmd/streamconsume"], cwd=ROOT, check=True)
    return fake, consumer


def run_measured(argv):
    """Run argv, return (wall seconds, cpu seconds, stdout)."""
    start = time.perf_counter()
    pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=[
        (os.POSIX_SPAWN_OPEN, 1, "/dev/null", os.O_WRONLY, 0)])
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{argv[0]} exited with {os.waitstatus_to_exitcode(status)}")
    return wall, usage.ru_utime + usage.ru_stime


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--chunks", type=int, default=100000)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    if not shutil.which("curl"):
        sys.exit("curl is needed for the floor")
    with tempfile.TemporaryDirectory() as tmp:
        fake, consumer = build(tmp)
        server = subprocess.Popen([fake, "-port", "0", "-mode", "stream", "-chunks", str(args.chunks), "-quiet"],
                                  stdout=subprocess.PIPE, text=True)
        try:
            base = server.stdout.readline().strip().split()[-1] + "/stream/v1"
            body = json.dumps({"model": "bench", "stream": True, "messages": [{"role": "user", "content": "go"}]})
            curl = ["curl", "-sN", "-o", "/dev/null", "-X", "POST", "-H", "Content-Type: application/json",
                    "-d", body, base + "/chat/completions"]
            ours = [consumer, "-url", base]
            results = {"curl": [], "go": []}
            run_measured(curl), run_measured(ours)  # warm up
            for _ in range(args.runs):
                results["curl"].append(run_measured(curl))
                results["go"].append(run_measured(ours))
        finally:
            server.terminate()
            server.wait()
    med = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) for k, v in results.items()}
    print(f"chunks={args.chunks} runs={args.runs}")
    for k in ("curl", "go"):
        cpus = sorted(c for _, c in results[k])
        print(f"{k:5s} cpu_s median={med[k][1]:.3f} min={cpus[0]:.3f} max={cpus[-1]:.3f}  wall_s median={med[k][0]:.3f}")
    print(f"cpu_ratio_go_over_curl={med['go'][1] / med['curl'][1]:.3f}")
    print(f"wall_ratio_go_over_curl={med['go'][0] / med['curl'][0]:.3f}")


if __name__ == "__main__":
    main()
