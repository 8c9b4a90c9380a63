#!/usr/bin/env python3
"""Turns bench/sidecar/run.sh's JSON lines into the table in docs/benchmarks/sidecar.md.

    bash bench/sidecar/run.sh | tee results.jsonl && python3 bench/sidecar/summarize.py results.jsonl

Added latency is each way's percentile minus the direct call's in the same round. CPU per 1,000 req/s is the extra
process's CPU (sidecar, node proxy) or the extra CPU of the calling process (in-process), per second, scaled to
1,000 req/s. Memory is the extra process's RSS under load, or the calling process's RSS growth (in-process);
the node proxy's is also shown per service (it serves four).
"""
import json
import statistics
import sys

NODE_SERVICES = 4


def main(path):
    rounds, idle, machine = {}, None, None
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if not line.startswith("{"):
            continue
        record = json.loads(line)
        if "idle" in record:
            idle = record["idle"]
        elif "machine" in record:
            machine = record
        else:
            rounds.setdefault(record["round"], {})[record["run"]] = record["result"]

    rows = {"in-process": [], "node-proxy": [], "sidecar": []}
    for runs in rounds.values():
        direct = runs["direct"]
        for way in rows:
            r = runs[way]
            per_k = 1000.0 / r["achievedPerSecond"]
            if way == "in-process":
                cpu = (r["driverCpuSeconds"] - direct["driverCpuSeconds"]) / r["measuredSeconds"] * per_k
                rss = r["driverRssMb"] - direct["driverRssMb"]
            else:
                cpu = r["watchedCpuSeconds"] / r["measuredSeconds"] * per_k
                rss = r["watchedRssMb"]
            rows[way].append({
                "p50": r["p50Ms"] - direct["p50Ms"],
                "p90": r["p90Ms"] - direct["p90Ms"],
                "p99": r["p99Ms"] - direct["p99Ms"],
                "cpu": cpu,
                "rss": rss,
                "errors": r["errors"],
                "rate": r["achievedPerSecond"],
            })

    print("| way | added p50 | added p90 | added p99 | vCPU per 1k req/s | memory (RSS) | errors | req/s achieved |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for way, label in (("in-process", "in-process (library)"), ("node-proxy", "shared per-node proxy (4 services)"), ("sidecar", "per-service sidecar")):
        values = rows[way]
        m = {k: statistics.mean(v[k] for v in values) for k in ("p50", "p90", "p99", "cpu", "rss", "rate")}
        errors = sum(v["errors"] for v in values)
        rss = f"+{m['rss']:.0f} MB in the caller" if way == "in-process" else f"{m['rss']:.0f} MB"
        if way == "node-proxy":
            rss += f" per node ({m['rss'] / NODE_SERVICES:.0f} MB per service)"
        elif way == "sidecar":
            rss += " per service instance"
        spread = ", ".join(f"{v['p50']:+.2f}/{v['p90']:+.2f}/{v['p99']:+.2f}" for v in values)
        print(f"| {label} | {m['p50']:+.2f} ms | {m['p90']:+.2f} ms | {m['p99']:+.2f} ms | {m['cpu']:.3f} | {rss} | {errors} | {m['rate']:.0f} |")
        cpus = ", ".join("%.3f" % v["cpu"] for v in values)
        print(f"<!-- {way} per round p50/p90/p99: {spread}; cpu: {cpus} -->")
    if idle:
        print(f"\nIdle RSS after start and one call: sidecar {idle['sidecarRssMb']} MB, node proxy {idle['nodeProxyRssMb']} MB.")
    direct = [runs["direct"] for runs in rounds.values()]
    print("Direct (baseline) p50/p90/p99 per round: " + "; ".join(f"{d['p50Ms']}/{d['p90Ms']}/{d['p99Ms']} ms" for d in direct))
    if machine:
        print(f"Machine: {machine['machine']}; {machine['date']}; uptime: {machine['uptime'].strip()}")


if __name__ == "__main__":
    main(sys.argv[1])
