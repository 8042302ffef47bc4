#!/usr/bin/env python3
"""Checks the packages `dotnet pack -c Release -o out/packages` made: each one is there with its README (no
relative links left: the package page has no repository around it), LICENSE, XML docs and a .snupkg beside
it; the emulator is a library (lib/) tests reference and Fal.Reactive.Emulator.Tool the .NET tool with the
fal-emulator command. Packages by dependency: the client's nuspec names neither BouncyCastle nor MessagePack
(each lives in the feature package that needs it), and Fal.Reactive.AspNetCore depends on Fal.Reactive.Webhooks,
not on BouncyCastle. Prints one line per package and exits non-zero if anything is missing.

    python3 eng/check-packages.py [out/packages]
"""
import glob, os, re, sys, zipfile

folder = sys.argv[1] if len(sys.argv) > 1 else "out/packages"
expected = [
    "Fal.Reactive",
    "Fal.Reactive.Extensions.DependencyInjection",
    "Fal.Reactive.Webhooks",
    "Fal.Reactive.AspNetCore",
    "Fal.Reactive.Realtime",
    "Fal.Reactive.Journal.Sqlite",
    "Fal.Reactive.Journal.PostgreSql",
    "Fal.Reactive.Testing",
    "Fal.Reactive.Emulator",
    "Fal.Reactive.Emulator.Tool",
]
# Dependencies a package's nuspec must (or must not) name, by package id (any target framework's group).
must_depend = {
    "Fal.Reactive.Webhooks": ["Fal.Reactive", "BouncyCastle.Cryptography"],
    "Fal.Reactive.Realtime": ["Fal.Reactive", "MessagePack"],
    "Fal.Reactive.Journal.Sqlite": ["Fal.Reactive", "Microsoft.Data.Sqlite"],
    "Fal.Reactive.Journal.PostgreSql": ["Fal.Reactive", "Npgsql"],
    "Fal.Reactive.AspNetCore": ["Fal.Reactive.Webhooks"],
}
must_not_depend = {
    "Fal.Reactive": ["BouncyCastle.Cryptography", "MessagePack", "Fal.Reactive.Webhooks", "Fal.Reactive.Realtime",
                     "Microsoft.Data.Sqlite", "Npgsql", "Fal.Reactive.Journal.Sqlite", "Fal.Reactive.Journal.PostgreSql"],
    "Fal.Reactive.AspNetCore": ["BouncyCastle.Cryptography"],
}
dependency = re.compile(r'<dependency id="([^"]+)"')
relative_link = re.compile(r"\]\((?![a-zA-Z][a-zA-Z0-9+.-]*:|#)[^)]*\)")
problems = []

for name in expected:
    found = [p for p in glob.glob(os.path.join(folder, name + ".*.nupkg")) if re.fullmatch(re.escape(name) + r"\.\d[^/]*\.nupkg", os.path.basename(p))]
    if not found:
        problems.append(f"{name}: no .nupkg in {folder}")
        continue
    nupkg = sorted(found)[-1]
    missing, unwanted = [], []
    with zipfile.ZipFile(nupkg) as z:
        names = z.namelist()
        for required in ("README.md", "LICENSE"):
            if required not in names:
                missing.append(required)
        if "README.md" in names and relative_link.search(z.read("README.md").decode("utf-8")):
            missing.append("absolute README links")
        if not any(n.endswith(f"/{name}.xml") for n in names):
            missing.append(f"{name}.xml")
        nuspec = z.read(f"{name}.nuspec").decode("utf-8")
        if "<repository " not in nuspec or 'commit="' not in nuspec:
            missing.append("repository url and commit (SourceLink)")
        depends = set(dependency.findall(nuspec))
        for required in must_depend.get(name, []):
            if required not in depends:
                missing.append(f"a dependency on {required}")
        for forbidden in must_not_depend.get(name, []):
            if forbidden in depends:
                unwanted.append(forbidden)
        if name == "Fal.Reactive.Emulator":
            # A library a test project references: a lib/ folder, no tool, and the ASP.NET Core framework it needs.
            if not any(n.startswith("lib/") and n.endswith("/Fal.Reactive.Emulator.dll") for n in names):
                missing.append("lib/ assembly (a library tests can reference)")
            if any(n.endswith("DotnetToolSettings.xml") for n in names):
                missing.append("no tool settings (the tool is Fal.Reactive.Emulator.Tool)")
            if 'name="Microsoft.AspNetCore.App"' not in nuspec:
                missing.append("frameworkReference Microsoft.AspNetCore.App")
        if name == "Fal.Reactive.Emulator.Tool":
            settings = [n for n in names if n.endswith("DotnetToolSettings.xml")]
            if not settings or b'Name="fal-emulator"' not in z.read(settings[0]):
                missing.append("tool command fal-emulator")
    snupkg = nupkg[: -len(".nupkg")] + ".snupkg"
    if not os.path.exists(snupkg):
        missing.append(".snupkg")
    else:
        with zipfile.ZipFile(snupkg) as z:
            pdbs = [n for n in z.namelist() if n.endswith(f"/{name}.pdb")]
            # SourceLink: the PDB maps the sources to the repository at the built commit.
            if not pdbs or b'{"documents":' not in z.read(pdbs[0]):
                missing.append("SourceLink in the .snupkg's PDB")
    if missing or unwanted:
        parts = (["missing " + ", ".join(missing)] if missing else []) + (["must not depend on " + ", ".join(unwanted)] if unwanted else [])
        problems.append(f"{os.path.basename(nupkg)}: " + "; ".join(parts))
    else:
        print(f"{os.path.basename(nupkg)}: README, LICENSE, XML docs, symbols with SourceLink, repository, dependencies: ok")

for problem in problems:
    print(problem, file=sys.stderr)
sys.exit(1 if problems else 0)
