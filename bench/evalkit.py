"""What the evaluation scripts of bench/ share: the checkout's revision and
writing a result file. Standard library only (Debian's /usr/bin/python3)."""

import contextlib
import json
import os
import shutil
import subprocess
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def git_revision():
    """The short commit of the checkout, "-dirty" when tracked files changed."""
    try:
        rev = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", REPO, "status", "--porcelain",
                                "--untracked-files=no"],
                               capture_output=True, text=True).stdout.strip()
        return rev + ("-dirty" if dirty else "")
    except OSError:
        return "unknown"


def write_json(path, doc):
    """Writes doc as indented JSON to path and says so."""
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print("wrote %s" % path)


@contextlib.contextmanager
def work_folder(prefix, keep):
    """A temporary folder for the run; removed afterwards unless keep (then
    its path is printed)."""
    tmp = tempfile.mkdtemp(prefix=prefix)
    try:
        yield tmp
    finally:
        if keep:
            print("kept %s" % tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
