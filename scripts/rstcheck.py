#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Parse reST files with docutils and print every warning or error.

Sphinx's :doc: role and toctree directive are accepted as they are; anything
docutils itself reports (a malformed table, a short title underline, ...)
counts. Prints "<passed> <failed>" last, one result per file.
"""

import sys

import warnings

import docutils.frontend
import docutils.parsers.rst
import docutils.utils
from docutils.parsers.rst import Directive, directives, roles


class Toctree(Directive):
    has_content = True
    option_spec = {"maxdepth": directives.unchanged}

    def run(self):
        return []


def doc_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    return [], []


def main(paths):
    warnings.simplefilter("ignore", DeprecationWarning)  # OptionParser, newer docutils
    directives.register_directive("toctree", Toctree)
    roles.register_local_role("doc", doc_role)
    passed = failed = 0
    for path in paths:
        problems = []

        def observe(msg, path=path, problems=problems):
            if msg["level"] >= docutils.utils.Reporter.WARNING_LEVEL:
                problems.append(f"{path}:{msg.get('line', '?')}: {msg.astext().splitlines()[0]}")

        with open(path, encoding="utf-8") as f:
            text = f.read()
        settings = docutils.frontend.OptionParser(
            components=(docutils.parsers.rst.Parser,)).get_default_values()
        doc = docutils.utils.new_document(path, settings)
        doc.reporter.stream = None      # reported through observe() only
        doc.reporter.attach_observer(observe)
        docutils.parsers.rst.Parser().parse(text, doc)
        if problems:
            print("\n".join(problems))
            failed += 1
        else:
            passed += 1
    print(passed, failed)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
