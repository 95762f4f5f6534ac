#!/usr/bin/env python3
"""Which configure-time errors of the module no RunCMake case reaches.

Copies Modules/ to a temporary folder, puts before every `_multiarch_fail(`
call and every `message(FATAL_ERROR` of the files the module includes when
CMake runs a line that records "<file>:<line>" (lines of the real files),
runs the groups against the copy and prints the sites no case reached.
Exit status 1 when there is one.

    python3 tests/RunCMake/coverage.py [--known-bugs] [<module dir>]

--known-bugs also runs the cases of KNOWN_BUGS.txt.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def included_files(modules):
    """MultiArchImage.cmake and what it includes, transitively (Scripts/ are
    the build-time entry scripts, never included)."""
    todo, seen = [modules / "MultiArchImage.cmake"], []
    while todo:
        f = todo.pop()
        if f in seen or not f.exists():
            continue
        seen.append(f)
        for m in re.finditer(r'include\("\$\{CMAKE_CURRENT_LIST_DIR\}/([^"]+)"\)', f.read_text()):
            todo.append((f.parent / m.group(1)).resolve())
    return seen


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    known = "--known-bugs" in sys.argv
    modules = Path(args[0] if args else HERE.parents[1] / "Modules").resolve()
    work = Path(tempfile.mkdtemp(prefix="runcmake-coverage-"))
    copy = work / "Modules"
    shutil.copytree(modules, copy)
    hits = work / "hits.txt"
    sites = []
    for f in included_files(copy):
        rel = f.relative_to(copy).as_posix()
        out, function = [], None
        for n, line in enumerate(f.read_text().split("\n"), 1):
            m = re.match(r"\s*(function|macro)\((\w+)", line)
            if m:
                function = m.group(2)
            code = line.split("#", 1)[0]
            # The definitions of the two failing helpers are not sites.
            if (re.search(r"_multiarch_fail\(|message\(FATAL_ERROR", code)
                    and not re.match(r"\s*function\(", code)
                    and function not in ("_multiarch_fail", "_multiarch_die")):
                sites.append(f"{rel}:{n}")
                out.append(f'file(APPEND "$ENV{{RUNCMAKE_COVERAGE}}" "{rel}:{n}\\n")')
            out.append(line)
        f.write_text("\n".join(out))
    env = dict(os.environ, RUNCMAKE_COVERAGE=str(hits))
    run = subprocess.run(
        ["cmake", "-DRunCMake_GROUP=ALL", f"-DRunCMake_BINARY_DIR={work}/bin",
         f"-DRunCMake_MODULE_DIR={copy}", f"-DRunCMake_KNOWN_BUGS={'ON' if known else 'OFF'}",
         "-P", str(HERE / "RunCMake.cmake")],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    flat = " ".join(run.stdout.split())
    summary = re.findall(r"RunCMake [^:]*: \d+ passed, \d+ failed.*? in [0-9.]+ s\.", flat)
    hit = set(hits.read_text().split()) if hits.exists() else set()
    missed = [s for s in sites if s not in hit]
    print("\n".join(summary[-1:]))
    print(f"{len(sites) - len(missed)} of {len(sites)} configure-time error sites reached"
          f" ({'with' if known else 'without'} the known bugs).")
    for s in missed:
        src = (modules / s.split(":")[0]).read_text().split("\n")[int(s.split(":")[1]) - 1].strip()
        print(f"  not reached: Modules/{s}  {src[:100]}")
    shutil.rmtree(work, ignore_errors=True)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
