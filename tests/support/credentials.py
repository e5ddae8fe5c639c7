"""The test simulator's API key pair: fake, and never to be logged."""

SECRET_ID = "AKIDtestsimulator0000000000000000"
SECRET_KEY = "test-secret-key-never-logged-0001"
