"""``python -m seedance_preflight`` and the ``seedance-preflight`` console
script: the full command line (same flags, output and exit codes)."""

import sys

from . import _native


def main() -> None:
    sys.exit(_native.cli_main(["seedance-preflight", *sys.argv[1:]]))


if __name__ == "__main__":
    main()
