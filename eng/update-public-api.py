#!/usr/bin/env python3
"""Adds every symbol the build reports as RS0016 (not in the declared public API) to the project's
PublicAPI.Unshipped.txt, then rebuilds until none is left. Review the diff: it is the API change.

    python3 eng/update-public-api.py
"""
import collections, os, re, subprocess, sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Multi-targeted projects name the framework after the project: [...Fal.Reactive.csproj::TargetFramework=net8.0]
pattern = re.compile(r"error RS0016: Symbol '(.*)' is not part of the declared public API.*\[(.*)\.csproj(?:::[^\]]*)?\]")

for _ in range(5):
    build = subprocess.run(["dotnet", "build", os.path.join(root, "Fal.Reactive.sln")], capture_output=True, text=True)
    missing = collections.defaultdict(set)
    for line in build.stdout.splitlines():
        m = pattern.search(line)
        if m:
            missing[os.path.dirname(m.group(2))].add(m.group(1))
    if not missing:
        print("public API files are up to date")
        sys.exit(0)
    for project, symbols in missing.items():
        path = os.path.join(project, "PublicAPI.Unshipped.txt")
        lines = [l for l in open(path).read().splitlines() if l.strip() and not l.startswith("#")]
        merged = sorted(set(lines) | symbols)
        with open(path, "w") as f:
            f.write("#nullable enable\n" + "\n".join(merged) + "\n")
        print(f"{path}: +{len(symbols)}")
sys.exit("RS0016 errors remain after 5 rounds")
