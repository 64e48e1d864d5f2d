#!/usr/bin/env python3
"""Summarise conformance results: OUT_DIR SCENARIO... -> a line per scenario
and the closing 'N passed, M failed'. A scenario passes when its checks have
no FAILURE or WARNING and at least one SUCCESS."""
import glob, json, os, sys

out, scenarios = sys.argv[1], sys.argv[2:]
passed = failed = 0
for s in scenarios:
    d = os.path.join(out, s.replace("/", "_"))
    checks = []
    for f in glob.glob(os.path.join(d, "**", "checks.json"), recursive=True):
        with open(f) as fh:
            data = json.load(fh)
        checks += data if isinstance(data, list) else data.get("checks", [])
    statuses = [str(c.get("status", "")).upper() for c in checks]
    bad = [c.get("id", c.get("name", "?")) for c in checks if str(c.get("status", "")).upper() in ("FAILURE", "WARNING")]
    ok = not bad and "SUCCESS" in statuses
    passed += ok
    failed += not ok
    why = "" if ok else (" (" + ", ".join(map(str, bad[:4])) + ")" if bad else " (no successful check)")
    print(f"{'PASS' if ok else 'FAIL'} {s}{why}")
print(f"conformance: {passed} passed, {failed} failed")
