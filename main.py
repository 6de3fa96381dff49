"""Next Steps: start the app, or run one of its command-line tasks (see command_line.py).

    python main.py [--data-dir DIR] [--demo] [--self-test] [--version]
    python main.py [--data-dir DIR] import [--merge | --replace] [--valid-rows-only] FILE...
    python main.py [--data-dir DIR] export [--format {json,csv,ics}] -o FILE
"""

import sys

from command_line import main

if __name__ == "__main__":
    sys.exit(main())
