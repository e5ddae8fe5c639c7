"""`python -m bot.cli` is `trtc-chatops`."""

from bot.cli import main

raise SystemExit(main())
