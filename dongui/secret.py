"""`python -m dongui.secret`: the setup step that creates instance/secret_key once.

Request-serving workers never generate a key: each would make its own and sessions would
break between them. Production takes SECRET_KEY from the environment instead.
"""

import os
import sys

from .config import INSTANCE_DIR, ensure_instance_secret_key


def main() -> int:
    if os.environ.get("SECRET_KEY"):
        print("SECRET_KEY comes from the environment; instance/secret_key is not needed.")
        return 0
    created = ensure_instance_secret_key(INSTANCE_DIR)
    print("Created instance/secret_key." if created else "instance/secret_key is already there.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
