# SPDX-License-Identifier: GPL-2.0
"""TAP and KTAP results: kselftest programs' TAP, KUnit suites' KTAP."""

import re

TAP_RE = re.compile(r"^(\s*)(not ok|ok) \d+ (?:- )?([^#]*?)\s*(#\s*(SKIP|skip)\b.*)?$")
RUN_RE = re.compile(r"^#\s+RUN\s+(\S+) \.\.\.")


def tap_cases(name, lines):
    """Leaf results of one program's TAP (kselftest) or KTAP (KUnit) output."""
    cases = []
    kunit = name.startswith("kunit/")
    suite_ok = None
    running = ""
    for line in lines:
        r = RUN_RE.match(line)
        if r:
            running = r.group(1)
        m = TAP_RE.match(line)
        if not m:
            continue
        indent, verdict, case, skip = m.group(1), m.group(2), m.group(3), m.group(4)
        if kunit and not indent:
            suite_ok = verdict == "ok"
            continue
        if kunit and len(indent) > 4:
            continue  # parameterized sub-subtests: counted by their parent
        status = "SKIP" if skip else ("PASS" if verdict == "ok" else "FAIL")
        # 6.1's kselftest harness prints "ok N # SKIP why" without the
        # test's name: take it from the "#  RUN  name ..." line before.
        case = case.strip() or running
        why = re.sub(r"^#\s*(SKIP|skip)\s*", "", skip) if skip else ""
        cases.append(("%s/%s" % (name, case), status, why))
    if kunit and suite_ok is None:
        cases.append((name, "FAIL", "KTAP has no suite result line"))
    elif kunit and suite_ok is False and all(s != "FAIL" for _, s, _ in cases):
        cases.append((name, "FAIL", "suite reported not ok"))
    return cases
