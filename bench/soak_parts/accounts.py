"""The made-up Tencent Cloud account and TRTC app that the replicas, the simulator and
the load generator share."""

SECRET_ID = "AKIDsoak000000000000000000000000000"
SECRET_KEY = "soak-secret-key-00000000000000000"
CALLBACK_KEY = "soak-callback-key"
APP = 1400000001
APPROVALS = "C0APPROVALS"
ACCOUNT_RATE_LIMIT = 20  # TRTC's calls per second per action, for the whole account
