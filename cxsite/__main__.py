"""`python -m cxsite` runs the command line."""

from cxsite.cli import main

main()
