#!/usr/bin/env python
from hamsada.cli import main

if __name__ == "__main__":
    main()
